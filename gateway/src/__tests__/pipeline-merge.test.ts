import { getOperationAST, parse, type FieldNode } from 'graphql';
import { rootFields } from '../documents';
import { HIDDEN } from '../routing/inject';
import { ResponseMerger } from '../routing/merge';
import { contract, DECLARATION, itemsOf, pageOf, sorted } from './pipeline-fixture';

type Obj = Record<string, unknown>;

function field(query: string): { node: FieldNode; merger: ResponseMerger } {
  const document = parse(query);
  const [node] = rootFields(getOperationAST(document)!);
  return { node, merger: new ResponseMerger(contract, DECLARATION, {}, {}) };
}

/** A shard's answer to `items` as the gateway asks it: with the hidden cursors and hasNextPage. */
function answer(code: string, sizes: number[], first: number): Obj {
  const page = pageOf(itemsOf(code, sizes), first);
  return { total: sizes.length, nodes: page.nodes.map((n) => ({ id: n.id })), [HIDDEN.cursors]: page.edges.map((e) => ({ cursor: e.cursor })), [HIDDEN.more]: page.pageInfo };
}

describe('merge by the declaration', () => {
  it('merges a connection in the global order (value, then kommunkod, then id, each in the order’s direction), cut at first, its sum summed, hidden fields left out', () => {
    const { node, merger } = field('{ items(first: 4) { total nodes { id } pageInfo { hasNextPage } } }');
    const def = contract.getQueryType()!.getFields().items;
    const merged = merger.mergeField(node, def, [answer('0002', [5, 3, 3], 4), answer('0001', [5, 3], 4)]);
    const expected = sorted([...itemsOf('0002', [5, 3, 3]), ...itemsOf('0001', [5, 3])]).slice(0, 4);
    expect(expected.map((i) => i.id)).toEqual(['0002:item:1', '0001:item:1', '0002:item:3', '0002:item:2']);
    expect(merged).toEqual({ total: 5, nodes: expected.map((i) => ({ id: i.id })), pageInfo: { hasNextPage: true } });
  });

  it('gives each row its selected fields as the shard answered them: aliases, fragments and @skip followed, the owner the gateway added left out', () => {
    const query = 'query($no: Boolean!) { items(first: 3) { nodes { id name: label ... on Item { size } label @skip(if: $no) } } }';
    const [node] = rootFields(getOperationAST(parse(query))!);
    const def = contract.getQueryType()!.getFields().items;
    const rows = (code: string, sizes: number[]) => {
      const page = pageOf(itemsOf(code, sizes), 3);
      return {
        nodes: page.nodes.map((n) => ({ id: n.id, name: n.label, size: n.size, label: n.label, [HIDDEN.owner]: n.id })),
        [HIDDEN.cursors]: page.edges.map((e) => ({ cursor: e.cursor })),
        [HIDDEN.more]: page.pageInfo,
      };
    };
    const expected = sorted([...itemsOf('0001', [4, 1]), ...itemsOf('0002', [3])]).slice(0, 3);
    for (const no of [true, false]) {
      const merged = new ResponseMerger(contract, DECLARATION, {}, { no }).mergeField(node, def, [rows('0001', [4, 1]), rows('0002', [3])]);
      expect(merged).toEqual({ nodes: expected.map((i) => ({ id: i.id, name: i.label, size: i.size, ...(no ? {} : { label: i.label }) })) });
    }
  });

  it('says there is no next page when no shard has more and the union fits', () => {
    const { node, merger } = field('{ items(first: 10) { pageInfo { hasNextPage } } }');
    const merged = merger.mergeField(node, contract.getQueryType()!.getFields().items, [answer('0001', [1], 10), answer('0002', [2], 10)]);
    expect(merged).toEqual({ pageInfo: { hasNextPage: false } });
  });

  it('concatenates other lists in shard order, and gives an empty page for a connection no shard was asked', () => {
    const { node, merger } = field('{ labels }');
    expect(merger.mergeField(node, contract.getQueryType()!.getFields().labels, [['a', 'b'], ['c']])).toEqual(['a', 'b', 'c']);
    const items = field('{ items { total nodes { id } pageInfo { hasNextPage } } }');
    expect(items.merger.empty(items.node, contract.getQueryType()!.getFields().items)).toEqual({ total: 0, nodes: [], pageInfo: { hasNextPage: false } });
  });
});
