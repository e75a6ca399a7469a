import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@samverkan/subgraph-kit/database-admin';
import { getIntrospectionQuery, type IntrospectionOptions } from 'graphql';

/**
 * The PostgreSQL server tests run against: TEST_DATABASE_URL, default the machine's local server.
 * Each test file gets a database of its own, created here and dropped after.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The test run this process belongs to: set by jest's global setup to the jest process's pid. */
export function testRunId(): string {
  return process.env.SAMVERKAN_TEST_RUN ?? String(process.pid);
}

/**
 * A database name for a test, `<prefix>_r<run>_<what>`: the run id lets a later run (or CI's
 * check) find what a killed run left behind.
 */
export function testDatabaseName(prefix: 'samverkan_test' | 'samverkan_e2e', what = randomBytes(4).toString('hex')): string {
  return `${prefix}_r${testRunId()}_${what}`;
}

const TEST_DATABASE = /^samverkan_(test|e2e)_(?:r(\d+)_)?/;

function runIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops test databases on the test server: those of `run` when given, else those whose run (a
 * process on this machine) is gone. Answers the names dropped.
 */
export async function sweepTestDatabases(serverUrl: string, run?: string): Promise<string[]> {
  const admin = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^samverkan_(test|e2e)_'`);
    const doomed = rows
      .map((r) => r.datname)
      .filter((name) => {
        const owner = TEST_DATABASE.exec(name)?.[2];
        return run ? owner === run : !owner || !runIsAlive(Number(owner));
      });
    for (const name of doomed) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return doomed;
  } finally {
    await admin.end();
  }
}

/** A fresh, empty database on the test server. */
export async function createTestDatabase(prefix: 'samverkan_test' | 'samverkan_e2e' = 'samverkan_test'): Promise<TestDatabase> {
  const name = testDatabaseName(prefix);
  await ensureDatabase(TEST_SERVER_URL, name);
  return { name, url: withDatabase(TEST_SERVER_URL, name), drop: () => dropDatabase(TEST_SERVER_URL, name) };
}

/** A GraphQL response body as tests read it (loosely typed on purpose: tests assert its shape). */
export type GraphQLBody<T = any> = { data: T; errors: any[]; extensions: Record<string, any> } & Record<string, any>;

/** Posts a GraphQL operation and returns the parsed body (and status). */
export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody<T> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, body };
}

/** An operation a standard tool sends to load a schema: a name for it and the request body. */
export interface IntrospectionRequest {
  name: string;
  body: { query: string; operationName?: string };
}

const INTROSPECTION_OPTIONS = ['descriptions', 'inputValueDeprecation', 'specifiedByUrl', 'directiveIsRepeatable', 'schemaDescription'] as const;

/**
 * What standard tools send to load a schema: graphql-js `getIntrospectionQuery()` with every
 * combination of its options (codegen, graphql-config and most clients call it with some of
 * them) and with a deeper `ofType` chain; GraphiQL's query (getIntrospectionQuery with its
 * `inputValueDeprecation` and `schemaDescription` props, both off unless set, operation
 * `IntrospectionQuery`, and the fallback it retries with when `subscriptionType` is refused); and
 * Apollo Sandbox's (getIntrospectionQuery with `inputValueDeprecation` and `directiveIsRepeatable`).
 */
export function standardIntrospectionRequests(): IntrospectionRequest[] {
  const out: IntrospectionRequest[] = [];
  for (let bits = 0; bits < 1 << INTROSPECTION_OPTIONS.length; bits++) {
    const options: IntrospectionOptions = Object.fromEntries(INTROSPECTION_OPTIONS.map((o, i) => [o, (bits & (1 << i)) !== 0]));
    const on = INTROSPECTION_OPTIONS.filter((o) => options[o]);
    out.push({ name: `getIntrospectionQuery(${on.length ? `{ ${on.join(', ')} }` : ''})`, body: { query: getIntrospectionQuery(options) } });
  }
  // A deeper `ofType` chain than the default 9. (`oneOf` and `experimentalDirectiveDeprecation` are not
  // asked: @apollo/gateway's API schema has neither `__Type.isOneOf` nor `__Directive.isDeprecated`.)
  const deep: IntrospectionOptions = { ...Object.fromEntries(INTROSPECTION_OPTIONS.map((o) => [o, true])), typeDepth: 12 };
  out.push({ name: 'getIntrospectionQuery({ all five, typeDepth: 12 })', body: { query: getIntrospectionQuery(deep) } });
  for (const props of [{}, { inputValueDeprecation: true, schemaDescription: true }]) {
    const query = getIntrospectionQuery(props);
    out.push({ name: `GraphiQL ${JSON.stringify(props)}`, body: { query, operationName: 'IntrospectionQuery' } });
    out.push({ name: `GraphiQL ${JSON.stringify(props)} without subscriptionType`, body: { query: query.replace(/subscriptionType \{[^}]*\}/, ''), operationName: 'IntrospectionQuery' } });
  }
  out.push({
    name: 'Apollo Sandbox',
    body: { query: getIntrospectionQuery({ inputValueDeprecation: true, directiveIsRepeatable: true }), operationName: 'IntrospectionQuery' },
  });
  return out;
}
