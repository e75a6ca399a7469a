import { getOperationAST, parse, print } from 'graphql';
import { rootFields, subsetOperation, usageOf, fragmentsOf } from '../documents';
import { Planner, planEntities, planMutation, planRootFields } from '../pipeline/plan';
import { contract, DECLARATION } from './pipeline-fixture';

const MEMBERS = ['0001', '0002', '0003'];
const stages = { contract, declaration: DECLARATION };

function plan(query: string, variables: Record<string, unknown> = {}) {
  const operation = getOperationAST(parse(query))!;
  return planRootFields(rootFields(operation), variables, stages, MEMBERS);
}

describe('plan: root fields', () => {
  it('routes a field to the kommun its declared argument names', () => {
    const { plans, errors } = plan('{ item(id: "0002:item:1") { id } }');
    expect(errors).toEqual([]);
    expect(plans.map((p) => ({ codes: p.codes, routed: p.routed }))).toEqual([{ codes: ['0002'], routed: true }]);
  });

  it('broadcasts a field with no route to every member, and prunes it to the kommuner its filter names', () => {
    const { plans, errors } = plan('query($k: [String!]) { all: items { total } some: items(filter: { kommuner: $k }) { total } labels }', { k: ['0003', '0001', '0003'] });
    expect(errors).toEqual([]);
    expect(plans.map((p) => ({ codes: p.codes, routed: p.routed }))).toEqual([
      { codes: MEMBERS, routed: false },
      { codes: ['0003', '0001'], routed: false },
      { codes: MEMBERS, routed: false },
    ]);
  });

  it('refuses a routing value that names no kommun as the caller’s mistake, and asks no kommun', () => {
    const { plans, errors } = plan('{ item(id: "nowhere:1") { id } }');
    expect(plans[0].codes).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ path: ['item'], extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(errors[0].message).toContain('"nowhere:1" does not name a kommun');
  });

  it('refuses malformed kommunkoder in a filter and names well-formed ones that are no member, in field order', () => {
    const { plans, errors } = plan('{ a: items(filter: { kommuner: ["12", "0001", "9999"] }) { total } b: item(id: "x") { id } }');
    expect(plans[0].codes).toEqual(['0001']);
    expect(errors.map((e) => [e.path, e.extensions?.code, e.extensions?.municipality])).toEqual([
      [['a'], 'BAD_USER_INPUT', undefined],
      [['a'], 'MUNICIPALITY_UNKNOWN', '9999'],
      [['b'], 'BAD_USER_INPUT', undefined],
    ]);
    expect(errors[0].message).toContain('each entry must be a 4-digit kommunkod (got "12")');
  });
});

describe('plan: entities and mutations', () => {
  it('routes owned entities by their key and broadcasts the others; a key no kommun owns goes nowhere', () => {
    const reps = [
      { __typename: 'Item', id: '0002:item:1' },
      { __typename: 'Topic', code: 'T1' },
      { __typename: 'Item', id: '0001:item:4' },
      { __typename: 'Item', id: 'nobody' },
      { __typename: 'Item', id: '0002:item:2' },
    ];
    const { routed, broadcast } = planEntities(reps, DECLARATION);
    expect(Object.fromEntries(routed)).toEqual({ '0002': [0, 4], '0001': [2] });
    expect(broadcast).toEqual([1]);
  });

  it('names the owner of each mutation field, or says why none can be told', () => {
    const operation = getOperationAST(parse('mutation { a: createItem(kommun: "0003", label: "x") { id } b: createItem(kommun: "x", label: "y") { id } }'))!;
    const { owners, errors } = planMutation(rootFields(operation), {}, stages);
    expect(owners).toEqual(['0003', null]);
    expect(errors).toEqual([expect.objectContaining({ path: ['b'], extensions: { code: 'BAD_USER_INPUT' } })]);
  });
});

describe('plan: rewritten operations', () => {
  const query = 'query Q($n: Int, $c: String, $k: [String!]) { items(first: $n, after: $c, filter: { kommuner: $k }) { ...Page } item(id: "0001:item:1") { id } }\nfragment Page on ItemConnection { total nodes { id } }';

  it('gives broadcast root connections the gateway’s own first and after, and drops the client variables no longer used', () => {
    const document = parse(query);
    const tuned = new Planner(stages).tunedQuery(query, document, getOperationAST(document)!);
    expect(Object.fromEntries(tuned.vars)).toEqual({ 0: { first: '__sv_first_0', after: '__sv_after_0' } });
    expect(print(tuned.operation)).toBe(
      print(parse('query Q($k: [String!], $__sv_first_0: Int, $__sv_after_0: String) { items(filter: { kommuner: $k }, first: $__sv_first_0, after: $__sv_after_0) { ...Page } item(id: "0001:item:1") { id } }').definitions[0]),
    );
  });

  it('keeps each rewrite in a cache by query text', () => {
    const planner = new Planner(stages);
    const document = parse(query);
    const tuned = planner.tunedQuery(query, document, getOperationAST(document)!);
    expect(planner.tunedQuery(query, parse(query), getOperationAST(document)!)).toBe(tuned);
    expect(planner.subset(tuned, [1])).toBe(planner.subset(tuned, [1]));
    // The routed field alone: no fragment and no variable of the other field.
    expect(planner.subset(tuned, [1]).query).not.toContain('fragment Page');
    expect(planner.subset(tuned, [0]).query).toContain('__sv_cursors: edges');
  });

  it('gives the connections of broadcast entities the gateway’s own first', () => {
    const q = 'query($representations: [_Any!]!, $n: Int) { _entities(representations: $representations) { ... on Topic { items(first: $n) { total } } ... on Item { id } } }';
    const document = parse(q);
    const operation = getOperationAST(document)!;
    const tuned = new Planner(stages).tunedEntitiesQuery(q, document, operation, rootFields(operation)[0]);
    expect(tuned.fields.map((f) => [f.typeName, f.variable])).toEqual([['Topic', '__sv_efirst_0']]);
    expect(tuned.query).toContain('items(first: $__sv_efirst_0)');
    expect(tuned.query).not.toContain('$n');
  });
});

describe('what a selection uses', () => {
  it('follows spreads through fragments, each once, and finds the variables at any depth', () => {
    const document = parse('query($a: Int, $b: Int, $c: Int) { x: items(first: $a) { ...A } y: labels }\nfragment A on ItemConnection { nodes { ...B } ...B }\nfragment B on ItemConnection { total @include(if: $b) }\nfragment Unused on Item { size(x: $c) }');
    const [x] = rootFields(getOperationAST(document)!);
    const usage = usageOf([x], fragmentsOf(document));
    expect([...usage.variables].sort()).toEqual(['a', 'b']);
    expect(usage.fragments.map((f) => f.name.value)).toEqual(['A', 'B']);
    expect(print(subsetOperation(getOperationAST(document)!, [x], document))).not.toContain('Unused');
  });
});
