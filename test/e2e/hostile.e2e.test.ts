import { mintToken } from '@samverkan/common';
import { SECRET, startE2ERegion, startProxy, eventually, type E2ERegion } from './harness';
import { snapshotDatabase } from './snapshot';

/**
 * Analyst limits and hostile input. Every limit answers its own code before any subgraph is
 * asked; every broken or hostile request gets a 4xx or a GraphQL error that says what was wrong;
 * no server stops answering and no row changes.
 */
let region: E2ERegion;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let editor: string;
const REQUEST_TIMEOUT = 1200;

beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 10, shardTimeoutMs: 4000, gatewayEnv: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT) } });
  proxy = await startProxy(region.kommuner.get('1407')!);
  const regionEditor = await mintToken({ role: 'region-editor', subject: 'r' }, { secret: SECRET });
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '1407', name: 'Öckerö', county: 'Västra Götalands län', subgraphUrl: proxy.url } }, regionEditor);
  await eventually('1407 behind the proxy', async () => (await region.health()).members.find((m: any) => m.code === '1407' && m.verifiedUrl === proxy.url));
  editor = await mintToken({ role: 'kommun-editor', subject: 'k', municipality: '1480' }, { secret: SECRET });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await region?.stop();
});

async function raw(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST') {
  const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}
const post = (url: string, query: string, variables?: unknown, token?: string) =>
  raw(url, JSON.stringify({ query, variables }), { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });

const nest = (depth: number): string => (depth === 0 ? 'id' : `projects(first: 1) { nodes { partners { municipality { ${nest(depth - 1)} } } } }`);

describe('analyst limits at the gateway', () => {
  const cases: Array<[string, string, string, unknown?]> = [
    ['depth', 'QUERY_TOO_DEEP', `{ municipality(code: "1407") { ${nest(4)} } }`],
    ['aliases', 'TOO_MANY_ALIASES', `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: region { name }`).join(' ')} }`],
    ['estimated cost', 'QUERY_TOO_COMPLEX', '{ developmentAreas { projects(first: 100) { nodes { partners { municipality { projects(first: 100) { nodes { id } } } } } } } }'],
    ['page size', 'PAGE_SIZE_EXCEEDED', '{ projects(first: 1000) { nodes { id } } }'],
    ['tokens', 'QUERY_TOO_LARGE', `{ region { ${'name '.repeat(6000)} } }`],
    ['directives', 'TOO_MANY_DIRECTIVES', `{ region { ${Array.from({ length: 51 }, () => 'name @include(if: true)').join(' ')} } }`],
  ];
  it.each(cases)('%s answers %s before any subgraph is asked', async (_name, code, query) => {
    proxy.reset();
    const { status, json } = await post(region.gatewayUrl, query);
    expect(status).toBe(400);
    expect(json.errors[0].extensions.code).toBe(code);
    expect(json.errors[0].message).toMatch(/\d/); // says the limit or what was found
    expect(json.data).toBeUndefined();
    expect(proxy.state.requests).toBe(0);
  });

  it('request body size answers 413', async () => {
    const { status, json } = await post(region.gatewayUrl, '{ region { name } }', { pad: 'x'.repeat(200 * 1024) });
    expect(status).toBe(413);
    expect(json.errors[0].message).toMatch(/too large/i);
  });

  it('per-request time answers REQUEST_TIMEOUT, and the gateway goes on answering', async () => {
    // Far slower than the deadline, so an answer before the margin can only come from the deadline.
    proxy.state.delayMs = REQUEST_TIMEOUT + 20_000;
    const started = Date.now();
    const { status, json } = await post(region.gatewayUrl, '{ projectStats { count } }');
    const elapsed = Date.now() - started;
    proxy.state.delayMs = 0;
    expect(status).toBe(503);
    expect(json.errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT + 10_000); // a deadline the gateway promises, with room for a loaded machine
    const ok = await post(region.gatewayUrl, '{ region { name } }');
    expect(ok.json.data.region.name).toBe('Göteborgsregionen');
  });

  it('normal dashboard queries pass every limit', async () => {
    const { json } = await post(region.gatewayUrl, '{ developmentAreas { name projects(first: 10) { nodes { title municipality { name } developmentAreas { name } } } } projectStats(groupBy: [MUNICIPALITY, FUND]) { count } }');
    expect(json.errors).toBeUndefined();
  });
});

describe('hostile and broken input', () => {
  const SQL = ["'; DROP TABLE project; --", "1480' OR '1'='1", "x'); DELETE FROM project; --", '%" OR 1=1 --', "' UNION SELECT * FROM pg_user --"];
  /**
   * A case must answer an error, unless `answer` says which plain answer is right for it: a
   * search for SQL text is a search like any other, and must find nothing rather than everything.
   */
  type Case = { name: string; send: (url: string) => ReturnType<typeof raw>; answer?: (json: any) => boolean };
  const q = (name: string, query: string, variables?: unknown, token?: () => string, answer?: Case['answer']): Case => ({ name, send: (url) => post(url, query, variables, token?.()), answer });
  const r = (name: string, body: string, headers?: Record<string, string>, method?: string): Case => ({ name, send: (url) => raw(url, body, headers, method) });
  const fragmentBomb = `query { region { ...f0 } } ${Array.from({ length: 12 }, (_, i) => `fragment f${i} on Region { ${i === 11 ? 'name' : `...f${i + 1} a${i}: name ...f${i + 1}`} }`).join(' ')}`;

  const cases: Case[] = [
    r('malformed JSON', '{"query": "{ region'),
    r('a JSON array', '[{"query": "{ region { name } }"}, {"query": "{ region { name } }"}]'),
    r('a JSON string', '"{ region { name } }"'),
    r('JSON null', 'null'),
    r('no query', '{}'),
    r('query not a string', '{"query": 42}'),
    r('variables not an object', '{"query": "{ region { name } }", "variables": "x"}'),
    r('text/plain body (CSRF)', '{"query": "{ region { name } }"}', { 'content-type': 'text/plain' }),
    r('mutation over GET', '', {}, 'GET'),
    q('unterminated query', '{ projects { '),
    q('stray braces', '}}}'),
    q('empty document', ' '),
    q('unknown field', '{ nope }'),
    q('unknown argument', '{ projects(nope: 1) { totalCount } }'),
    q('wrong variable type: first', 'query($f: Int) { projects(first: $f) { totalCount } }', { f: 'ten' }),
    q('float for Int', 'query($f: Int) { projects(first: $f) { totalCount } }', { f: 1.5 }),
    q('Int overflow', '{ projects(first: 99999999999) { totalCount } }'),
    q('a single ID for a list of IDs (GraphQL coerces it)', 'query($f: ProjectFilter) { projects(filter: $f) { totalCount } }', { f: { municipalities: 1480 } }, undefined, (j) => j.data.projects.totalCount > 0),
    q('NUL in text search', 'query($t: String) { projects(filter: { text: $t }) { totalCount } }', { t: 'a\u0000b' }),
    q('NUL in a title', 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }', { i: { municipality: '1480', title: 'a\u0000b', status: 'PLANNED', startDate: '2025-01-01' } }, () => editor),
    q('unknown enum', '{ projects(filter: { status: [DREAMING] }) { totalCount } }'),
    q('invalid date', '{ projects(filter: { activeOn: "2024-13-45" }) { totalCount } }'),
    q('huge text search', 'query($t: String) { projects(filter: { text: $t }) { totalCount } }', { t: 'x'.repeat(50_000) }),
    ...SQL.flatMap((s, i) => [
      q(`SQL in text search ${i}`, 'query($t: String) { projects(filter: { text: $t }) { totalCount } }', { t: s }, undefined, (j) => j.data.projects.totalCount === 0),
      q(`SQL in kommunkod filter ${i}`, 'query($m: [ID!]) { projects(filter: { municipalities: $m }) { totalCount } }', { m: [s] }),
      q(`SQL in area filter ${i}`, 'query($a: [ID!]) { projects(filter: { developmentAreas: $a, programmes: $a, initiative: "x" }) { totalCount } }', { a: [s] }),
      q(`SQL in project id ${i}`, 'query($id: ID!) { project(id: $id) { id } }', { id: `1480:project:1${s}` }),
      q(`SQL in municipality code ${i}`, 'query($c: ID!) { municipality(code: $c) { code } }', { c: s }),
      q(`SQL in a cursor ${i}`, 'query($a: String) { projects(after: $a) { totalCount } }', { a: Buffer.from(`["TITLE","ASC","${s}","1480",1]`).toString('base64url') }),
    ]),
    q('invalid kommunkod', '{ municipality(code: "abc") { code } }'),
    q('invalid kommunkod in a filter', '{ projects(filter: { municipalities: ["1"] }) { totalCount } }'),
    q('unknown project', '{ project(id: "1480:project:99999999") { id } }', undefined, undefined, (j) => j.data.project === null),
    q('malformed id', '{ project(id: "") { id } }'),
    q('very long id', 'query($id: ID!) { project(id: $id) { id } }', { id: '1'.repeat(20_000) }),
    q('negative page', '{ projects(first: -1) { totalCount } }'),
    q('page of 101', '{ projects(first: 101) { totalCount } }'),
    q('forged cursor', '{ projects(after: "bm9wZQ") { totalCount } }'),
    q('deep query', `{ municipality(code: "1480") { ${nest(8)} } }`),
    q('wide alias bomb', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: projects(first: ${(i % 100) + 1}) { totalCount }`).join(' ')} }`),
    q('fragment cycle', 'query { region { ...a } } fragment a on Region { ...b } fragment b on Region { ...a }'),
    q('fragment bomb', fragmentBomb),
    q('createProject with nothing', 'mutation { createProject(input: {}) { id } }', undefined, () => editor),
    q('createProject with every field wrong', 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }', {
      i: { municipality: '14800', title: '', status: 'PLANNED', startDate: '2025-02-30', endDate: 'soon', budget: { total: -5, euCofinancing: 'a lot', currency: 'DKK' }, funding: [{ programme: "'; --", amount: -1 }], partners: [{ name: '', country: 'Sweden', type: 'PERSON', role: 'BOSS' }], developmentAreas: ['a b c'] },
    }, () => editor),
    q('createProject with each field wrong in turn', 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }', { i: { municipality: '1480', title: 'x'.repeat(301), status: 'PLANNED', startDate: '2025-01-01' } }, () => editor),
    q('updateProject of another kommun', 'mutation { updateProject(id: "1481:project:1", input: { title: "x" }) { id } }', undefined, () => editor),
    q('updateProject with a malformed id', 'mutation { updateProject(id: "drop table", input: { title: "x" }) { id } }', undefined, () => editor),
    q('deleteProject that does not exist', 'mutation { deleteProject(id: "1480:project:99999999") }', undefined, () => editor),
    q('setStrategy with a SQL title', 'mutation($t: String!) { setStrategy(municipality: "1480", input: { title: $t, adoptedBy: NOBODY, priorities: [] }) { title } }', { t: SQL[0] }, () => editor),
  ];

  it('every case answers a 4xx or a GraphQL error that says what was wrong, changes nothing, and no server stops', async () => {
    const targets = { gateway: region.gatewayUrl, kommun: region.kommuner.get('1480')! };
    const before = { kommun: await snapshotDatabase(region.databases.get('1480')!), region: await snapshotDatabase(region.databases.get('region')!) };
    let tried = 0;
    const problems: string[] = [];
    for (const [target, url] of Object.entries(targets)) {
      for (const c of cases) {
        tried++;
        const { status, json, text } = await c.send(url);
        const errors: any[] = json?.errors ?? [];
        const what = `${target}: ${c.name} → ${status} ${text.slice(0, 160)}`;
        if (status >= 500) problems.push(`server error: ${what}`);
        else if (c.answer && !errors.length) {
          if (!c.answer(json)) problems.push(`wrong answer: ${what}`);
        } else if (status < 400 && !errors.length) problems.push(`no error: ${what}`);
        else if (!errors.length && !/\w{4,}/.test(text)) problems.push(`no message: ${what}`);
        else if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) problems.push(`internal error: ${what}`);
      }
    }
    // Oversized representation lists, straight to the subgraph.
    const reps = Array.from({ length: 20_000 }, (_, i) => ({ __typename: 'Project', id: `1480:project:${i + 1}` }));
    const big = await post(targets.kommun, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id } } }', { r: reps });
    tried++;
    if (big.status < 400 || !/Too many representations/.test(big.text)) problems.push(`representations: ${big.status} ${big.text.slice(0, 200)}`);

    console.log(`hostile input: ${tried} cases tried against the gateway and a kommun subgraph, ${problems.length} problems`);
    expect(problems).toEqual([]);
    for (const url of Object.values(targets)) {
      const alive = await post(url, '{ municipality(code: "1480") { code } }');
      expect(alive.json.data.municipality.code).toBe('1480');
    }
    expect(await snapshotDatabase(region.databases.get('1480')!)).toEqual(before.kommun);
    expect(await snapshotDatabase(region.databases.get('region')!)).toEqual(before.region);
  });
});
