import { createClient, type Client } from 'graphql-ws';
import operations from 'virtual:operations';

/** A hole in an answer: a kommun that is missing from the part of it at `path`. */
export interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; municipality?: string; municipalities?: string[]; fields?: Array<{ field: string; problems: string[] }> };
}

export interface Answer<T> {
  data: T | null;
  errors: GraphQLError[];
  /** The kommuner missing from the whole answer (`extensions.missingMunicipalities`). */
  missing: Array<{ code: string; name: string }>;
}

/**
 * Runs one of the dashboard's trusted documents by its hash (Apollo's persisted-query protocol):
 * the page never sends query text, so a gateway that holds anonymous callers to trusted documents
 * serves it.
 */
export async function run<T>(name: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const op = operations[name];
  if (!op) throw new Error(`no operation ${name}`);
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.hash } } }),
  });
  const body = (await res.json()) as { data?: T; errors?: GraphQLError[]; extensions?: { missingMunicipalities?: Array<{ code: string; name: string }> } };
  // An answer with holes only is shown with them named; any other failure is the panel's error.
  const failures = (body.errors ?? []).filter((e) => e.extensions?.code !== 'MUNICIPALITY_UNAVAILABLE');
  if (!body.data && failures.length) throw new Error(failures.map((e) => e.message).join('; '));
  return { data: body.data ?? null, errors: body.errors ?? [], missing: body.extensions?.missingMunicipalities ?? [] };
}

/**
 * Sends one of the trusted documents by its hash with a caller's token (a write), and answers the
 * body as it came, errors and all, for the caller to show.
 */
export async function send<T>(name: string, variables: Record<string, unknown>, token: string): Promise<{ data?: T | null; errors?: GraphQLError[] }> {
  const op = operations[name];
  if (!op) throw new Error(`no operation ${name}`);
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ operationName: name, variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.hash } } }),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLError[] };
}

/** The kommuner missing from the part of an answer under the response key `key` (all parts when omitted). */
export function missingAt(answer: Answer<unknown>, key?: string): string[] {
  const codes = new Set<string>();
  for (const e of answer.errors) {
    if (e.extensions?.code !== 'MUNICIPALITY_UNAVAILABLE') continue;
    if (key !== undefined && e.path?.[0] !== key) continue;
    if (e.extensions.municipality) codes.add(e.extensions.municipality);
    for (const c of e.extensions.municipalities ?? []) codes.add(c);
  }
  return [...codes].sort();
}

let socket: Client | undefined;

/** Calls `onChange` on every project write in `municipalities` (all when empty), over graphql-ws on /graphql. */
export function onProjectChanged(municipalities: string[], onChange: () => void, onState: (live: boolean) => void): () => void {
  socket ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: { connected: () => onState(true), closed: () => onState(false) },
  });
  const op = operations.ProjectChanged;
  // graphql-ws needs the text; it is a trusted document all the same (its hash is in the manifest).
  return socket.subscribe(
    { query: op.query, operationName: 'ProjectChanged', variables: municipalities.length ? { municipalities } : {} },
    { next: () => onChange(), error: () => onState(false), complete: () => undefined },
  );
}
