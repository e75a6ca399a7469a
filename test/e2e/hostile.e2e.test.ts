import http from 'node:http';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { startE2ERegion, startProxy, eventually, type E2ERegion } from './harness';
import { snapshotDatabase } from './snapshot';

/**
 * Analyst limits and hostile input. Every limit answers its own code before any subgraph is
 * asked; every broken or hostile request gets a 4xx or a GraphQL error that says what was wrong;
 * no server stops answering and no row changes.
 */
let region: E2ERegion;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let editor: string;
const REQUEST_TIMEOUT = 3000;

beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 10, shardTimeoutMs: 2500, gatewayEnv: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT) } });
  proxy = await startProxy(region.kommuner.get('1407')!);
  const regionEditor = await region.token({ role: 'region-editor', subject: 'r' });
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '1407', name: 'Öckerö', county: 'Västra Götalands län', subgraphUrl: proxy.url } }, regionEditor);
  await eventually('1407 behind the proxy', async () => (await region.health()).members.find((m: any) => m.code === '1407' && m.verifiedUrl === proxy.url));
  editor = await region.token({ role: 'kommun-editor', subject: 'k', municipality: '1480' });
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

  it('a forged cursor anywhere in a query answers one BAD_USER_INPUT before any kommun is asked', async () => {
    proxy.reset();
    const forged = Buffer.from(JSON.stringify(['BUDGET_TOTAL', 'DESC', 'a lot', '1480', 1])).toString('base64url');
    const { status, json } = await post(region.gatewayUrl, 'query($a: String) { developmentAreas { name projects(orderBy: { field: BUDGET_TOTAL, direction: DESC }, after: $a) { totalCount } } }', { a: forged });
    expect(status).toBe(400);
    expect(json.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^after: the cursor is not one this API issued/), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(proxy.state.requests).toBe(0);
  });

  it('request body size answers 413', async () => {
    const { status, json } = await post(region.gatewayUrl, '{ region { name } }', { pad: 'x'.repeat(200 * 1024) });
    expect(status).toBe(413);
    expect(json.errors[0].message).toMatch(/too large/i);
  });

  it('per-request time: what arrived by the deadline is answered, the late kommun named, and the gateway goes on answering', async () => {
    // Far slower than the deadline, so an answer before the margin can only come from the deadline.
    proxy.state.delayMs = REQUEST_TIMEOUT + 20_000;
    const started = Date.now();
    const { status, json } = await post(region.gatewayUrl, '{ projectStats(groupBy: [MUNICIPALITY]) { municipality { code } count } }');
    const elapsed = Date.now() - started;
    proxy.state.delayMs = 0;
    expect(status).toBe(200);
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT + 10_000); // a deadline the gateway promises, with room for a loaded machine
    expect(json.data.projectStats).toHaveLength(12);
    expect(json.errors).toEqual([
      expect.objectContaining({ path: ['projectStats'], extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '1407', reason: "its subgraph did not answer by the request's deadline" }) }),
    ]);
    const ok = await post(region.gatewayUrl, '{ region { name } }');
    expect(ok.json.data.region.name).toBe('Göteborgsregionen');
  });

  it('a request the gateway cannot finish by REQUEST_TIMEOUT_MS (its body still arriving) answers REQUEST_TIMEOUT', async () => {
    const body = JSON.stringify({ query: '{ region { name } }' });
    const started = Date.now();
    const answer = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const url = new URL(region.gatewayUrl);
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, json: JSON.parse(text) });
        });
      });
      req.on('error', reject);
      req.write(body.slice(0, 10)); // and never the rest
    });
    expect(answer.status).toBe(503);
    expect(answer.json.errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT + 10_000);
  });

  it("queries at the gateway's limits pass each kommun's own limits too, merge fields and all", async () => {
    const page = 'projects(first: 100, orderBy: { field: TITLE, direction: ASC }) { totalCount nodes { id title startDate status budget { total } } }';
    const queries = [
      // 29 aliases routed to one kommun, beside a broadcast field: one fetch, a connection in each.
      `{ ${Array.from({ length: 29 }, (_, i) => `a${i}: municipality(code: "1480") { ${page} }`).join(' ')} projects(first: 100) { nodes { id } } }`,
      // 30 aliases, each asked of two kommuner, a whole page from each.
      `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${page.replace('first: 100', 'first: 100, filter: { municipalities: ["1480", "1481"] }')}`).join(' ')} }`,
      '{ developmentAreas { name projects(first: 100) { totalCount nodes { id title budget { total } municipality { name } } } } }',
    ];
    for (const query of queries) {
      const { json } = await post(region.gatewayUrl, query);
      expect(json.errors).toBeUndefined();
    }
  });

  it('normal dashboard queries pass every limit', async () => {
    const { json } = await post(region.gatewayUrl, '{ developmentAreas { name projects(first: 10) { nodes { title municipality { name } developmentAreas { name } } } } projectStats(groupBy: [MUNICIPALITY, FUND]) { count } }');
    expect(json.errors).toBeUndefined();
  });
});

describe('hostile and broken input', () => {
  const SQL = ["'; DROP TABLE project; --", "1480' OR '1'='1", "x'); DELETE FROM project; --", '%" OR 1=1 --', "' UNION SELECT * FROM pg_user --"];
  /**
   * Each case names the answer that is right for it: an error `code` (per target where the gateway
   * and a kommun rightly differ) and a pattern its message must match, saying what was wrong; or,
   * with `answer`, the plain answer that is right (a search for SQL text is a search like any
   * other, and must find nothing rather than everything).
   */
  type Target = 'gateway' | 'kommun';
  /** `once`: that error alone, said once by the gateway, not once by each kommun it would ask. */
  type Expect = { code: string | Record<Target, string>; says: RegExp; once?: boolean } | { answer: (json: any) => boolean };
  type Case = { name: string; send: (url: string) => ReturnType<typeof raw>; expect: Expect };
  const q = (name: string, query: string, variables: unknown, token: (() => string) | undefined, expect: Expect): Case => ({ name, send: (url) => post(url, query, variables, token?.()), expect });
  const r = (name: string, body: string, headers: Record<string, string> | undefined, method: string | undefined, expect: Expect): Case => ({ name, send: (url) => raw(url, body, headers, method), expect });
  const fail = (code: Extract<Expect, { code: unknown }>['code'], says: RegExp, once = false): Expect => ({ code, says, once });
  const JSON_TYPE = { 'content-type': 'application/json' };
  const fragmentBomb = `query { municipality(code: "1480") { ...f0 } } ${Array.from({ length: 12 }, (_, i) => `fragment f${i} on Municipality { ${i === 11 ? 'code' : `...f${i + 1} a${i}: code ...f${i + 1}`} }`).join(' ')}`;
  const projectInput = 'mutation($i: ProjectInput!) { createProject(input: $i) { id } }';
  const textSearch = 'query($t: String) { projects(filter: { text: $t }) { totalCount } }';
  /** A cursor as the API encodes one, with parts of our choosing. */
  const cursor = (...parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  const pageAfter = (order: string) => `query($a: String) { projects(orderBy: { field: ${order}, direction: ASC }, after: $a) { totalCount } }`;
  const forgedCursor = fail('BAD_USER_INPUT', /^after: the cursor is not one this API issued/, true);

  const cases: Case[] = [
    r('malformed JSON', '{"query": "{ region', JSON_TYPE, undefined, fail('BAD_REQUEST', /JSON/)),
    r('a JSON array', '[{"query": "{ region { name } }"}, {"query": "{ region { name } }"}]', JSON_TYPE, undefined, fail('BAD_REQUEST', /batching/i)),
    r('a JSON string', '"{ region { name } }"', JSON_TYPE, undefined, fail('BAD_REQUEST', /JSON/)),
    r('JSON null', 'null', JSON_TYPE, undefined, fail('BAD_REQUEST', /JSON/)),
    r('no query', '{}', JSON_TYPE, undefined, fail('BAD_REQUEST', /missing|no keys/)),
    r('query not a string', '{"query": 42}', JSON_TYPE, undefined, fail('BAD_REQUEST', /must be strings/)),
    r('variables not an object', '{"query": "{ region { name } }", "variables": "x"}', JSON_TYPE, undefined, fail('BAD_REQUEST', /variables/)),
    r('text/plain body (CSRF)', '{"query": "{ region { name } }"}', { 'content-type': 'text/plain' }, undefined, fail('BAD_REQUEST', /Cross-Site Request Forgery/)),
    r('mutation over GET', '', {}, 'GET', fail('BAD_REQUEST', /Cross-Site Request Forgery/)),
    // 10 KB of JSON that recursion (JSON.stringify, a cache key) cannot walk: refused before anything does.
    r('variables nested 5,000 deep', `{"query": "{ __typename }", "variables": {"deep": ${'['.repeat(5000)}${']'.repeat(5000)}}}`, JSON_TYPE, undefined, fail('BAD_USER_INPUT', /\$deep nests deeper than 32 levels/)),
    q('unterminated query', '{ projects { ', undefined, undefined, fail('GRAPHQL_PARSE_FAILED', /Syntax Error/)),
    q('stray braces', '}}}', undefined, undefined, fail('GRAPHQL_PARSE_FAILED', /Syntax Error/)),
    q('empty document', ' ', undefined, undefined, fail('GRAPHQL_PARSE_FAILED', /Syntax Error/)),
    q('unknown field', '{ nope }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /"nope"/)),
    q('unknown argument', '{ projects(nope: 1) { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /"nope"/)),
    // No "Did you mean …?": suggestions are off unless FIELD_SUGGESTIONS (or NODE_ENV=development) says so.
    q('a near miss of a field', '{ projectz { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /^Cannot query field "projectz" on type "Query"\.$/)),
    q('a near miss of an argument', '{ projects(frist: 1) { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /^Unknown argument "frist" on field "Query\.projects"\.$/)),
    q('a near miss of an enum value', 'query($s: [ProjectStatus!]) { projects(filter: { status: $s }) { totalCount } }', { s: ['ONGOIN'] }, undefined, fail('BAD_USER_INPUT', /Value "ONGOIN" does not exist in "ProjectStatus" enum\.$/)),
    q('wrong variable type: first', 'query($f: Int) { projects(first: $f) { totalCount } }', { f: 'ten' }, undefined, fail('BAD_USER_INPUT', /\$f.*"ten"/)),
    q('float for Int', 'query($f: Int) { projects(first: $f) { totalCount } }', { f: 1.5 }, undefined, fail('BAD_USER_INPUT', /\$f.*1\.5/)),
    q('Int overflow', '{ projects(first: 99999999999) { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /99999999999/)),
    q('a single ID for a list of IDs (GraphQL coerces it)', 'query($f: ProjectFilter) { projects(filter: $f) { totalCount } }', { f: { municipalities: 1480 } }, undefined, { answer: (j) => j.data.projects.totalCount > 0 }),
    q('NUL in text search', textSearch, { t: 'a\u0000b' }, undefined, fail('BAD_USER_INPUT', /NUL/)),
    q('NUL escaped in the query text', '{ projects(filter: { text: "a\\u0000b" }) { totalCount } }', undefined, undefined, fail('BAD_USER_INPUT', /NUL/, true)),
    q('NUL in a title', projectInput, { i: { municipality: '1480', title: 'a\u0000b', status: 'PLANNED', startDate: '2025-01-01' } }, () => editor, fail('BAD_USER_INPUT', /NUL/)),
    q('unknown enum', '{ projects(filter: { status: [DREAMING] }) { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /DREAMING/)),
    q('invalid date', '{ projects(filter: { activeOn: "2024-13-45" }) { totalCount } }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /2024-13-45/)),
    q('huge text search', textSearch, { t: 'x'.repeat(50_000) }, undefined, fail('BAD_USER_INPUT', /filter\.text.*200/)),
    ...SQL.flatMap((sql, i) => [
      q(`SQL in text search ${i}`, textSearch, { t: sql }, undefined, { answer: (j) => j.data.projects.totalCount === 0 }),
      q(`SQL in kommunkod filter ${i}`, 'query($m: [ID!]) { projects(filter: { municipalities: $m }) { totalCount } }', { m: [sql] }, undefined, fail('BAD_USER_INPUT', /municipalities.*4-digit kommunkod/)),
      q(`SQL in area filter ${i}`, 'query($a: [ID!]) { projects(filter: { developmentAreas: $a, programmes: $a, initiative: "x" }) { totalCount } }', { a: [sql] }, undefined, fail('BAD_USER_INPUT', /filter\.developmentAreas.*catalogue code/)),
      q(`SQL in project id ${i}`, 'query($id: ID!) { project(id: $id) { id } }', { id: `1480:project:1${sql}` }, undefined, fail('BAD_USER_INPUT', /is not a project id/)),
      q(`SQL in municipality code ${i}`, 'query($c: ID!) { municipality(code: $c) { code } }', { c: sql }, undefined, fail('BAD_USER_INPUT', /code.*kommun/)),
      q(`SQL in a cursor ${i}`, 'query($a: String) { projects(after: $a) { totalCount } }', { a: Buffer.from(`["TITLE","ASC","${sql}","1480",1]`).toString('base64url') }, undefined, fail('BAD_USER_INPUT', /^after: the cursor/, true)),
    ]),
    q('invalid kommunkod', '{ municipality(code: "abc") { code } }', undefined, undefined, fail('BAD_USER_INPUT', /"abc"/)),
    q('invalid kommunkod in a filter', '{ projects(filter: { municipalities: ["1"] }) { totalCount } }', undefined, undefined, fail('BAD_USER_INPUT', /municipalities.*4-digit kommunkod/)),
    q('unknown project', '{ project(id: "1480:project:99999999") { id } }', undefined, undefined, { answer: (j) => j.data.project === null }),
    q('malformed id', '{ project(id: "") { id } }', undefined, undefined, fail('BAD_USER_INPUT', /id.*""/)),
    q('very long id', 'query($id: ID!) { project(id: $id) { id } }', { id: '1'.repeat(20_000) }, undefined, fail('BAD_USER_INPUT', /id.*1111/)),
    q('negative page', '{ projects(first: -1) { totalCount } }', undefined, undefined, fail('PAGE_SIZE_EXCEEDED', /first must be between 0 and 100/)),
    q('page of 101', '{ projects(first: 101) { totalCount } }', undefined, undefined, fail('PAGE_SIZE_EXCEEDED', /first must be between 0 and 100/)),
    q('forged cursor', '{ projects(after: "bm9wZQ") { totalCount } }', undefined, undefined, forgedCursor),
    q('a cursor holding text for a budget', pageAfter('BUDGET_TOTAL'), { a: cursor('BUDGET_TOTAL', 'ASC', 'abc', '1480', 1) }, undefined, forgedCursor),
    q('a cursor holding a number for a date', pageAfter('START_DATE'), { a: cursor('START_DATE', 'ASC', 5, '1480', 1) }, undefined, forgedCursor),
    q('a cursor holding a NUL in a title', pageAfter('TITLE'), { a: cursor('TITLE', 'ASC', 'a\u0000', '1480', 1) }, undefined, forgedCursor),
    q('a cursor past the largest key', pageAfter('START_DATE'), { a: cursor('START_DATE', 'ASC', '2024-01-01', '1480', 2 ** 31) }, undefined, forgedCursor),
    q('a cursor with a 5-digit kommunkod', pageAfter('START_DATE'), { a: cursor('START_DATE', 'ASC', '2024-01-01', '14800', 1) }, undefined, forgedCursor),
    q('a cursor in a kommun\'s own list', 'query($a: String) { municipality(code: "1480") { projects(after: $a) { totalCount } } }', { a: cursor('BUDGET_TOTAL', 'DESC', '1e3', '1480', 1) }, undefined, forgedCursor),
    q('an id past the largest key', '{ project(id: "1480:project:99999999999999") { id } }', undefined, undefined, fail('BAD_USER_INPUT', /^Invalid input: id: "1480:project:99999999999999" is not a project id/)),
    q('updateProject with an id past the largest key', 'mutation { updateProject(id: "1480:project:2147483648", input: { title: "x" }) { id } }', undefined, () => editor, fail('BAD_USER_INPUT', /^Invalid input: id: "1480:project:2147483648" is not a project id/)),
    q('deleteMembership with an id past the largest key', 'mutation { deleteMembership(id: "1480:membership:99999999999") }', undefined, () => editor, fail('BAD_USER_INPUT', /^Invalid input: id: "1480:membership:99999999999" is not a membership id/)),
    q('deep query', `{ municipality(code: "1480") { ${nest(8)} } }`, undefined, undefined, fail('QUERY_TOO_DEEP', /depth limit of \d+ exceeded/)),
    // At the gateway the token limit stops it before aliases are counted.
    q('wide alias bomb', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: projects(first: ${(i % 100) + 1}) { totalCount }`).join(' ')} }`, undefined, undefined, fail({ gateway: 'QUERY_TOO_LARGE', kommun: 'TOO_MANY_ALIASES' }, /5000 tokens|Aliases limit of \d+ exceeded/)),
    q('fragment cycle', 'query { municipality(code: "1480") { ...a } } fragment a on Municipality { ...b } fragment b on Municipality { ...a }', undefined, undefined, fail('GRAPHQL_VALIDATION_FAILED', /Cannot spread fragment "a" within itself/)),
    q('fragment bomb', fragmentBomb, undefined, undefined, fail('TOO_MANY_ALIASES', /Aliases limit of \d+ exceeded/)),
    q('createProject with nothing', 'mutation { createProject(input: {}) { id } }', undefined, () => editor, fail('GRAPHQL_VALIDATION_FAILED', /ProjectInput\.municipality/)),
    q('createProject with every field wrong', projectInput, {
      i: { municipality: '14800', title: '', status: 'PLANNED', startDate: '2025-02-30', endDate: 'soon', budget: { total: -5, euCofinancing: 'a lot', currency: 'DKK' }, funding: [{ programme: "'; --", amount: -1 }], partners: [{ name: '', country: 'Sweden', type: 'PERSON', role: 'BOSS' }], developmentAreas: ['a b c'] },
    }, () => editor, fail('BAD_USER_INPUT', /^Variable "\$i" got invalid value .* at "i\./)),
    q('createProject with a title too long', projectInput, { i: { municipality: '1480', title: 'x'.repeat(301), status: 'PLANNED', startDate: '2025-01-01' } }, () => editor, fail('BAD_USER_INPUT', /title.*300/)),
    q('updateProject of another kommun', 'mutation { updateProject(id: "1481:project:1", input: { title: "x" }) { id } }', undefined, () => editor, fail('FORBIDDEN', /only an editor of kommun 1481/)),
    q('updateProject with a malformed id', 'mutation { updateProject(id: "drop table", input: { title: "x" }) { id } }', undefined, () => editor, fail('BAD_USER_INPUT', /id.*(drop table|kommun)/)),
    q('deleteProject that does not exist', 'mutation { deleteProject(id: "1480:project:99999999") }', undefined, () => editor, fail('NOT_FOUND', /1480:project:99999999/)),
  ];

  it('every case answers the error that says what was wrong (or the right plain answer), changes nothing, and no server stops', async () => {
    const targets: Record<Target, string> = { gateway: region.gatewayUrl, kommun: region.kommuner.get('1480')! };
    const before = { kommun: await snapshotDatabase(region.databases.get('1480')!), region: await snapshotDatabase(region.databases.get('region')!) };
    let tried = 0;
    const problems: string[] = [];
    for (const [target, url] of Object.entries(targets) as Array<[Target, string]>) {
      for (const c of cases) {
        tried++;
        const { status, json, text } = await c.send(url);
        const errors: any[] = json?.errors ?? [];
        const what = `${target}: ${c.name} → ${status} ${text.slice(0, 200)}`;
        if (status >= 500) problems.push(`server error: ${what}`);
        else if ('answer' in c.expect) {
          if (errors.length || !c.expect.answer(json)) problems.push(`wrong answer: ${what}`);
        } else {
          const { says } = c.expect;
          const code = typeof c.expect.code === 'string' ? c.expect.code : c.expect.code[target];
          if (!errors.length) problems.push(`no error: ${what}`);
          else if (!errors.some((e) => e.extensions?.code === code)) problems.push(`expected ${code}: ${what}`);
          else if (!errors.some((e) => e.extensions?.code === code && says.test(e.message))) problems.push(`message does not say ${says}: ${what}`);
          else if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) problems.push(`internal error: ${what}`);
          else if (c.expect.once && errors.length > 1) problems.push(`more than one error: ${what}`);
        }
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

  it('no server suggests field names, over HTTP or a socket', async () => {
    const { json } = await raw(region.regionUrl, JSON.stringify({ query: '{ regio { name } }' }));
    expect(json.errors[0].message).toBe('Cannot query field "regio" on type "Query".');
    const socket = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const errors = await new Promise<unknown>((resolve) => socket.subscribe({ query: 'subscription { projectChanged { kindd } }' }, { next: () => undefined, error: resolve, complete: () => resolve(null) }));
      expect(errors).toEqual([expect.objectContaining({ message: 'Cannot query field "kindd" on type "ProjectChange".' })]);
    } finally {
      await socket.dispose();
    }
  });

  it('no server says what it runs on', async () => {
    for (const url of [region.gatewayUrl, region.kommuner.get('1480')!, region.regionUrl]) {
      for (const res of [await fetch(url.replace('/graphql', '/health')), await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })]) {
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
    }
  });

  it('the region subgraph refuses variables nested too deep, too', async () => {
    const { status, json } = await raw(region.regionUrl, `{"query": "{ __typename }", "variables": {"deep": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`);
    expect(status).toBe(400);
    expect(json.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/\$deep nests deeper than 32 levels/) });
  });

  it('SQL in a written title is stored as the text it is', async () => {
    for (const url of [region.gatewayUrl, region.kommuner.get('1480')!]) {
      const { json } = await post(url, 'mutation($t: String!) { setStrategy(municipality: "1480", input: { title: $t, adoptedBy: KOMMUNFULLMAKTIGE, priorities: [] }) { title } }', { t: SQL[0] }, editor);
      expect(json.errors).toBeUndefined();
      expect(json.data.setStrategy.title).toBe(SQL[0]);
      const { json: read } = await post(url, '{ municipality(code: "1480") { strategy { title } projects(first: 0) { totalCount } } }');
      expect(read.data.municipality.strategy.title).toBe(SQL[0]);
      expect(read.data.municipality.projects.totalCount).toBeGreaterThan(0);
    }
  });
});
