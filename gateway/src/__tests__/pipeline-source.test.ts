import { itemsOf, regionOf, sorted } from './pipeline-fixture';

/** The whole pipeline through the data source, over in-process shards. */
const DATA = { '0001': itemsOf('0001', [9, 8, 7, 6, 5]), '0002': itemsOf('0002', [1]), '0003': itemsOf('0003', [8, 2]) };

describe('the sharded data source over in-process shards', () => {
  it('sends the caller’s token with a write to its owner only, and with no read', async () => {
    const region = regionOf(DATA);
    try {
      await region.fetch('mutation { createItem(kommun: "0002", label: "x") { id } }', {}, { authorization: 'Bearer t' });
      await region.fetch('{ items(first: 2) { total } }', {}, { authorization: 'Bearer t' });
      await region.fetch('query($r: [_Any!]!) { _entities(representations: $r) { ... on Item { label } } }', { r: [{ __typename: 'Item', id: '0002:item:99' }] }, { authorization: 'Bearer t' });
      const withToken = region.sent.filter((s) => s.headers.authorization);
      expect(withToken.map((s) => [s.url, s.headers.authorization])).toEqual([['http://shard-0002/', 'Bearer t']]);
      expect(region.sent.length).toBeGreaterThan(withToken.length);
    } finally {
      await region.close();
    }
  });

  it('runs mutations for different kommuner one at a time, in order, each at its owner', async () => {
    const region = regionOf(DATA);
    try {
      const answer = await region.fetch('mutation { a: createItem(kommun: "0003", label: "x") { id } b: createItem(kommun: "0001", label: "y") { id } }');
      expect(answer).toEqual({ data: { a: { id: '0003:item:99' }, b: { id: '0001:item:99' } } });
      expect(region.sent.map((s) => s.url)).toEqual(['http://shard-0003/', 'http://shard-0001/']);
    } finally {
      await region.close();
    }
  });

  it('passes on the answer of a shard that serves every kommun as it is', async () => {
    const region = regionOf(DATA, { urlOf: () => 'http://combined/' });
    try {
      const answer = await region.fetch('{ items(first: 3) { nodes { id } } }');
      expect(answer).toEqual({ data: { items: { nodes: sorted(Object.values(DATA).flat()).slice(0, 3).map((i) => ({ id: i.id })) } } });
      expect(region.sent).toHaveLength(1);
      // Passed on, not merged: the shard was asked the client's query as it came.
      expect(region.sent[0].query).toBe('{ items(first: 3) { nodes { id } } }');
    } finally {
      await region.close();
    }
  });

  it('leaves a named hole with its path for a kommun whose shard fails, and merges the rest', async () => {
    const region = regionOf(DATA, { behaviour: { '0003': { throws: 'reset' } } });
    try {
      const answer = await region.fetch('{ items(first: 3) { nodes { id } } labels }');
      expect(answer.data).toEqual({
        items: { nodes: sorted([...DATA['0001'], ...DATA['0002']]).slice(0, 3).map((i) => ({ id: i.id })) },
        labels: [...DATA['0001'], ...DATA['0002']].map((i) => i.label),
      });
      expect(answer.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.municipality])).toEqual([
        [['items'], 'MUNICIPALITY_UNAVAILABLE', '0003'],
        [['labels'], 'MUNICIPALITY_UNAVAILABLE', '0003'],
      ]);
    } finally {
      await region.close();
    }
  });

  it('asks each shard for a share of a broadcast page, and again only the shards that may hold more of it', async () => {
    const data = { ...DATA, '0001': itemsOf('0001', [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8]), '0004': itemsOf('0004', [0]) };
    const region = regionOf(data);
    try {
      const answer = await region.fetch('{ items(first: 10) { nodes { id } } }');
      expect(answer.data).toEqual({ items: { nodes: sorted(Object.values(data).flat()).slice(0, 10).map((i) => ({ id: i.id })) } });
      // A share of 10 over 4 shards is 9; only 0001 gave 9 rows that all made the page and has more: it is asked for 1 after them.
      expect(region.sent.map((s) => [s.url, s.variables.__sv_first_0])).toEqual([
        ['http://shard-0001/', 9],
        ['http://shard-0002/', 9],
        ['http://shard-0003/', 9],
        ['http://shard-0004/', 9],
        ['http://shard-0001/', 1],
      ]);
    } finally {
      await region.close();
    }
  });

  it('asks a shard again for rows only: its count came with its first answer', async () => {
    const data = { ...DATA, '0001': itemsOf('0001', [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8]), '0004': itemsOf('0004', [0]) };
    const region = regionOf(data);
    try {
      const answer = await region.fetch('{ items(first: 10) { total nodes { id } } }');
      expect(answer.data).toEqual({ items: { total: Object.values(data).flat().length, nodes: sorted(Object.values(data).flat()).slice(0, 10).map((i) => ({ id: i.id })) } });
      expect(region.sent.map((s) => [s.url, /\btotal\b/.test(s.query)])).toEqual([
        ['http://shard-0001/', true],
        ['http://shard-0002/', true],
        ['http://shard-0003/', true],
        ['http://shard-0004/', true],
        ['http://shard-0001/', false],
      ]);
    } finally {
      await region.close();
    }
  });
});
