import { isDeepStrictEqual } from 'node:util';
import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';

/** A parameter of a statement's template, filled at each run from the run's values, by its path. */
class Slot {
  constructor(readonly path: readonly string[]) {}
  toJSON(): string {
    return '?';
  }
}

/**
 * `value` with each truthy leaf (a string, a number, true, an array, a date) replaced by a Slot
 * naming its path; plain objects are walked. Falsy leaves (undefined, null, '', 0, false) stay as
 * they are: code that builds a statement tests them, so they are part of its shape.
 */
function slotted(value: unknown, path: readonly string[]): unknown {
  if (!value) return value;
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = slotted((value as Record<string, unknown>)[key], [...path, key]);
    return out;
  }
  return new Slot(path);
}

function valueAt(values: unknown, path: readonly string[]): unknown {
  let v = values;
  for (const key of path) v = (v as Record<string, unknown>)[key];
  return v;
}

/** What runs a compiled statement: a Kysely instance or a transaction. */
interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

interface Template {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * Statements built once per shape. A statement's shape is what decides its SQL text: `shape`
 * (given as is: orders, scopes, which columns) and which of `values` are set. Its values only
 * ever become parameters. The first run of a shape builds it from placeholders and keeps the
 * SQL and where each value goes; later runs of that shape send the same text with their own
 * values, without building or compiling anything.
 *
 * `build` must treat each value as opaque: pass it on as a parameter, or test whether it is set
 * (truthy), nothing more. The first run of each shape checks that: it also builds the statement
 * from the real values and keeps the template only when both give the same text and parameters;
 * a shape that fails the check is built afresh at every run (and said once on stderr).
 */
export class StatementCache {
  private readonly templates = new Map<string, Template | null>();

  /** `max`: shapes kept, the oldest dropped first. */
  constructor(private readonly max = 1000) {}

  async execute<Row, S, V extends object>(db: Executor, name: string, shape: S, values: V, build: (shape: S, values: V) => Compilable<Row>): Promise<Row[]> {
    const placeholders = slotted(values, []) as V;
    const key = JSON.stringify([name, shape, placeholders]);
    let template = this.templates.get(key);
    if (template === undefined) {
      const real = build(shape, values).compile();
      const built = build(shape, placeholders).compile();
      const filled = built.parameters.map((p) => (p instanceof Slot ? valueAt(values, p.path) : p));
      template = real.sql === built.sql && isDeepStrictEqual(filled, [...real.parameters]) ? { sql: built.sql, parameters: built.parameters } : null;
      if (!template) process.stderr.write(`StatementCache: ${name} ${JSON.stringify(shape)} reads its values beyond whether they are set; built at every run\n`);
      if (this.templates.size >= this.max) this.templates.delete(this.templates.keys().next().value!);
      this.templates.set(key, template);
      return (await db.executeQuery(real)).rows;
    }
    if (!template) return (await db.executeQuery(build(shape, values).compile())).rows;
    const parameters = template.parameters.map((p) => (p instanceof Slot ? valueAt(values, p.path) : p));
    return (await db.executeQuery<Row>(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<Row>)).rows;
  }

  /** The shapes kept (for tests). */
  get size(): number {
    return this.templates.size;
  }
}
