import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
}

/** One request and what came back: the evidence a failure shows. */
export interface Exchange {
  query: string;
  variables: Record<string, unknown>;
  status: number;
  answer: GraphQLAnswer;
}

/** A kommun subgraph over HTTP (POST, JSON) and graphql-ws on the same URL. */
export class Endpoint {
  requests = 0;
  constructor(
    readonly url: string,
    private readonly token?: string,
    private readonly timeoutMs = 15_000,
  ) {}

  get hasToken(): boolean {
    return !!this.token;
  }

  /** Sends an operation; with `auth`, the editor token goes along. */
  async post(query: string, variables: Record<string, unknown> = {}, auth = false): Promise<Exchange> {
    this.requests++;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (auth && this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await res.text();
    let answer: GraphQLAnswer;
    try {
      answer = JSON.parse(text) as GraphQLAnswer;
    } catch {
      answer = { errors: [{ message: `not a JSON answer (HTTP ${res.status}): ${text.slice(0, 200)}` }] };
    }
    return { query, variables, status: res.status, answer };
  }

  /** A graphql-ws client on the subgraph's URL (ws: for http:, wss: for https:), carrying the token. */
  socket(): Client {
    return createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 0,
      lazy: false,
    });
  }
}

/** The error codes an answer carries. */
export function errorCodes(answer: GraphQLAnswer): string[] {
  return (answer.errors ?? []).map((e) => String(e.extensions?.code ?? 'NO_CODE'));
}
