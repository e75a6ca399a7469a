import { buildSchema } from 'graphql';
import { coordinatesOf } from '../pipeline/versions';

const contract = buildSchema(`
  type Query { items(filter: Filter, first: Int): [Item!]! node(id: ID!): Node }
  interface Node { id: ID! }
  type Item implements Node { id: ID! label: String kind: Kind }
  input Filter { kind: Kind }
  enum Kind { A B }
`);

describe('coordinatesOf: what of the contract an operation uses', () => {
  it('names fields, arguments, type conditions and enum literals as the schema differ names them', () => {
    const used = coordinatesOf(contract, 'query { items(filter: { kind: B }, first: 2) { id ...F } node(id: "1") { __typename ... on Item { label } } } fragment F on Item { kind }');
    expect([...used].sort()).toEqual(['Item', 'Item.id', 'Item.kind', 'Item.label', 'Kind.B', 'Query.items', 'Query.items.filter', 'Query.items.first', 'Query.node', 'Query.node.id'].sort());
  });
});
