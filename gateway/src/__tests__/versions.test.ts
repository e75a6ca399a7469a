import { buildSchema } from 'graphql';
import { coordinatesOf, operationUse, valueCoordinates } from '../pipeline/versions';

const contract = buildSchema(`
  type Query { items(filter: Filter, first: Int): [Item!]! node(id: ID!): Node }
  interface Node { id: ID! }
  type Item implements Node { id: ID! label: String kind: Kind }
  input Filter { kind: Kind }
  enum Kind { A B }
`);

describe('coordinatesOf: what of the contract an operation uses', () => {
  it('names fields, arguments, input fields, type conditions and enum literals as the schema differ names them', () => {
    const used = coordinatesOf(contract, 'query { items(filter: { kind: B }, first: 2) { id ...F } node(id: "1") { __typename ... on Item { label } } } fragment F on Item { kind }');
    expect([...used].sort()).toEqual(['Filter.kind', 'Item', 'Item.id', 'Item.kind', 'Item.label', 'Kind.B', 'Query.items', 'Query.items.filter', 'Query.items.first', 'Query.node', 'Query.node.id'].sort());
  });
});

describe('what a fetch uses of input objects: fields written in it and fields its variables hold', () => {
  const withRange = buildSchema(`
    type Query { items(filter: Filter): [ID!]! }
    input Filter { kind: Kind during: Range }
    input Range { from: String to: String }
    enum Kind { A B }
  `);

  it('names each input field written in the operation, nested ones too', () => {
    const used = coordinatesOf(withRange, 'query { items(filter: { during: { from: "2024-01-01" } }) }');
    expect([...used].sort()).toEqual(['Filter.during', 'Query.items', 'Query.items.filter', 'Range.from']);
  });

  it("names each input field and enum value a variable's value holds, a null field included", () => {
    const { coordinates, variables } = operationUse(withRange, 'query ($f: Filter) { items(filter: $f) }');
    expect([...coordinates].sort()).toEqual(['Query.items', 'Query.items.filter']);
    const type = variables.get('f')!;
    expect([...valueCoordinates(type, { kind: 'B', during: { to: '2024-01-01', from: null } })].sort()).toEqual(['Filter.during', 'Filter.kind', 'Kind.B', 'Range.from', 'Range.to']);
    expect([...valueCoordinates(type, null)]).toEqual([]);
    // A list of input objects, and a value GraphQL coerces into a list of one.
    const lists = operationUse(buildSchema('type Query { a(f: [F!]): Int } input F { x: Int y: Int }'), 'query ($f: [F!]) { a(f: $f) }');
    expect([...valueCoordinates(lists.variables.get('f')!, [{ x: 1 }, { y: 2 }])].sort()).toEqual(['F.x', 'F.y']);
    expect([...valueCoordinates(lists.variables.get('f')!, { y: 2 })]).toEqual(['F.y']);
  });
});
