import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, visit } from 'graphql';

/**
 * schema/CONTRACT.md and the descriptions of schema/kommun.graphql tell the same rules: each rule
 * id of the document is cited, in parentheses, by the description of the type, field or argument
 * it belongs to, and each id a description cites is a rule of the document.
 */
const SCHEMA = join(__dirname, '../../../../schema');
const doc = readFileSync(join(SCHEMA, 'CONTRACT.md'), 'utf8');
const sdl = readFileSync(join(SCHEMA, 'kommun.graphql'), 'utf8');

/** Rules about the schema as a whole or about the checker itself: no type, field or argument holds them. */
const NOT_OF_A_FIELD = new Set(['sdl.contract', 'writes.cleanup']);

/** The ids in the first column of the document's rule tables. */
function documentIds(markdown: string): string[] {
  const ids: string[] = [];
  for (const line of markdown.split('\n')) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!first) continue;
    for (const m of first.matchAll(/`([^`]+)`/g)) ids.push(m[1]);
  }
  return ids;
}

/** Every description of the SDL, with what it describes. */
function descriptions(text: string): Array<{ at: string; text: string }> {
  const out: Array<{ at: string; text: string }> = [];
  const path: string[] = [];
  const named = (node: { name?: { value: string } }) => node.name?.value ?? '';
  const enter = (node: { name?: { value: string }; description?: { value: string } }) => {
    path.push(named(node));
    if (node.description) out.push({ at: path.join('.'), text: node.description.value });
  };
  const leave = () => {
    path.pop();
  };
  const both = { enter, leave };
  visit(parse(text), {
    ObjectTypeDefinition: both,
    InputObjectTypeDefinition: both,
    EnumTypeDefinition: both,
    ScalarTypeDefinition: both,
    FieldDefinition: both,
    InputValueDefinition: both,
    EnumValueDefinition: both,
  });
  return out;
}

/** The rule ids a description cites: the parts of a parenthesis that look like `kind.name…`. */
function citedIds(text: string): string[] {
  return [...text.matchAll(/\(([^()]*)\)/g)].flatMap((m) => m[1].split(/,\s*/)).filter((part) => /^[a-zA-Z]{3,}\.[\w<>.-]*[\w>]$/.test(part));
}

describe('schema/CONTRACT.md and the SDL descriptions', () => {
  const ids = documentIds(doc);
  const cited = descriptions(sdl).flatMap((d) => citedIds(d.text).map((id) => ({ id, at: d.at })));

  it('the document has rule tables to compare (ids of every section)', () => {
    for (const prefix of ['ids.', 'order.', 'cursor.', 'paging.', 'totalCount.', 'filter.', 'stats.', 'entities.', 'errors.', 'writes.']) {
      expect({ prefix, found: ids.some((id) => id.startsWith(prefix)) }).toEqual({ prefix, found: true });
    }
  });

  it('every rule of a type, field or argument is cited by a description', () => {
    const citedSet = new Set(cited.map((c) => c.id));
    const missing = ids.filter((id) => !NOT_OF_A_FIELD.has(id) && !citedSet.has(id));
    expect(missing).toEqual([]);
  });

  it('every id a description cites is a rule of the document', () => {
    const known = new Set(ids);
    expect(cited.filter((c) => !known.has(c.id))).toEqual([]);
  });
});
