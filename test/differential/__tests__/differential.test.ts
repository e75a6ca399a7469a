import { buildSchema, parse } from 'graphql';
import { compareAnswers, firstDifference } from '../compare';
import { fragmentReusePaths, measure, readRoutingFacts, rngFor } from '../generator';
import { causeOf, endCursors, keysOf } from '../run';

/** The parts of the differential test that need no region: comparing, measuring, classifying. */
const answer = (data: unknown, errors?: unknown[], status = 200) => ({ status, body: { data, errors, extensions: {} } as any });

describe('comparing two answers', () => {
  it('finds the first difference as a JSON path, lists in order', () => {
    expect(firstDifference({ a: [1, 2, { b: 'x' }] }, { a: [1, 2, { b: 'y' }] })).toEqual({ path: '$.a[2].b', sharded: 'x', combined: 'y' });
    expect(firstDifference({ a: [1, 2] }, { a: [1, 2, 3] })).toEqual({ path: '$.a.length', sharded: 2, combined: 3 });
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).toBeNull();
    expect(firstDifference({ 'odd key': 1 }, { 'odd key': 2 })?.path).toBe('$["odd key"]');
    expect(firstDifference({ a: 1 }, { a: 1, b: null })).toEqual({ path: '$.b', sharded: '(missing)', combined: null });
  });

  it('says when a list holds the same items in another order', () => {
    const d = firstDifference({ xs: [{ k: 1 }, { k: 2 }] }, { xs: [{ k: 2 }, { k: 1 }] });
    expect(d).toEqual({ path: '$.xs[0].k', sharded: 1, combined: 2, note: '$.xs holds the same 2 items on both sides, in another order' });
  });

  it('compares errors by code and path, in any order, whatever their messages say', () => {
    const e1 = { message: 'Kommun Öckerö (1407) …', path: ['a'], extensions: { code: 'X', municipality: '1407' } };
    const e2 = { message: 'other words', path: ['b', 0], extensions: { code: 'Y' } };
    expect(compareAnswers(answer({ a: null }, [e1, e2]), answer({ a: null }, [{ ...e2, message: 'm' }, { ...e1, message: 'n', extensions: { code: 'X' } }]))).toBeNull();
    expect(compareAnswers(answer({ a: null }, [e1]), answer({ a: null }, [e2]))).toEqual({ path: '$.errors', sharded: ['X at a'], combined: ['Y at b.0'] });
    expect(compareAnswers(answer({ a: 1 }), answer({ a: 1 }, undefined, 500))?.path).toBe('(HTTP status)');
  });
});

describe('the generator', () => {
  const schema = buildSchema(`
    type Query { projects(first: Int, after: String): ProjectConnection! areas: [Area!]! }
    type ProjectConnection { totalCount: Int! nodes: [Project!]! edges: [ProjectEdge!]! pageInfo: PageInfo! }
    type ProjectEdge { cursor: String! node: Project! }
    type PageInfo { hasNextPage: Boolean! endCursor: String }
    type Project { id: ID! areas: [Area!]! }
    type Area { code: ID! projects(first: Int): ProjectConnection! }
  `);
  const facts = readRoutingFacts();

  it('reads the routing: broadcast fields of region entities, kommun fields of owned entities', () => {
    expect([...facts.broadcastFields].sort()).toEqual(['DevelopmentArea.projects', 'FundingProgramme.projects', 'JointInitiative.participants', 'JointInitiative.projects', 'Network.memberships']);
    expect([...facts.ownerFields].filter((f) => f.startsWith('Municipality.')).sort()).toEqual(['Municipality.memberships', 'Municipality.projects', 'Municipality.strategy', 'Municipality.twinTowns']);
    expect(facts.ownerFields).toContain('Project.partners');
    expect(facts.ownerFields).not.toContain('Project.id');
    expect(facts.connections.get('ProjectConnection')).toEqual({ edges: 'edges', nodes: 'nodes', pageInfo: 'pageInfo', cursor: 'cursor' });
  });

  it('measures depth and aliases as GraphQL Armor does, and cost as the gateway estimates it', () => {
    const doc = parse('{ projects(first: 10) { nodes { id a: id } ...F } areas { ... on Area { code } } } fragment F on ProjectConnection { totalCount }');
    // projects 1, nodes 2, id 3; the spread adds two levels (totalCount at 4); areas 1, inline 2, code 3.
    expect(measure(schema, doc, {}, facts)).toEqual({ depth: 4, aliases: 1, tokens: expect.any(Number), cost: 1 + 10 * (2 + 1) + (1 + 20 * 1) });
    expect(measure(schema, parse('query($n: Int) { projects(first: $n) { totalCount } }'), { n: 7 }, facts).cost).toBe(1 + 7 * 1);
  });

  it('finds where the planner may split a key between a reused fragment and the rest', () => {
    const doc = parse('{ projects { ...F } p: projects { pageInfo { hasNextPage endCursor } } areas { projects { totalCount } } } fragment F on ProjectConnection { pageInfo { hasNextPage } }');
    expect(fragmentReusePaths(schema, doc)).toEqual([['p', 'pageInfo']]);
    expect(fragmentReusePaths(schema, parse('{ projects { ...F } } fragment F on ProjectConnection { pageInfo { hasNextPage } }'))).toEqual([]);
  });

  it('is reproducible: the same parts give the same random numbers', () => {
    const a = rngFor('s', 1);
    const b = rngFor('s', 1);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(rngFor('s', 2)()).not.toBe(rngFor('s', 1)());
  });
});

describe('following cursors and naming causes', () => {
  it('collects every endCursor of a connection, through lists', () => {
    const data = { areas: [{ p: { info: { end: 'c1' } } }, { p: { info: { end: null } } }, { p: { info: { end: 'c3' } } }] };
    expect(endCursors(data, { variable: 'v1', path: ['areas', 'p'], pageInfo: 'info', endCursor: 'end' })).toEqual([
      { cursor: 'c1', at: '$.data.areas[0].p.info.end' },
      { cursor: 'c3', at: '$.data.areas[2].p.info.end' },
    ]);
  });

  it('reads the keys of a JSON path', () => {
    expect(keysOf('$.data.a[2].b["odd key"].c')).toEqual(['data', 'a', 'b', 'odd key', 'c']);
  });

  it('names a difference under a nested broadcast field, and the same stats groups in another order', () => {
    const op: any = {
      query: '{ x }',
      fragmentReuse: [],
      tagged: [
        { path: ['project', 'developmentAreas', 'projects'], tag: 'nestedBroadcast', coordinate: 'DevelopmentArea.projects' },
        { path: ['projectStats'], tag: 'stats', coordinate: 'Query.projectStats' },
      ],
    };
    expect(causeOf(op, { path: '$.data.project.developmentAreas[0].projects.totalCount', sharded: 1, combined: 9 }).name).toBe('nestedBroadcast');
    const a = answer({ projectStats: [{ key: 'A', count: 1 }, { key: 'B', count: 2 }] });
    const b = answer({ projectStats: [{ key: 'B', count: 2 }, { key: 'A', count: 1 }] });
    expect(causeOf(op, { path: '$.data.projectStats[0].key', sharded: 'A', combined: 'B' }, a, b).name).toBe('statsGroupOrder');
    expect(causeOf(op, { path: '$.data.other', sharded: 1, combined: 2 }, a, a).name).toBe('unexplained');
  });
});
