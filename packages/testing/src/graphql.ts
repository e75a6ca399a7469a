import { getIntrospectionQuery, type IntrospectionOptions } from 'graphql';

// GraphQL requests as tests make and read them. Its own entry, '@samverkan/testing/graphql': it
// loads no database client, so unit suites use it.

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
