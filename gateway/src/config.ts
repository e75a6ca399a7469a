import { join } from 'node:path';
import { z } from 'zod';
import { ASSERTION_MAX_TTL_S, authEnv, ConfigError, env, GATEWAY_ISSUER, metricsEnv, readConfig, suggestionEnv } from '@samverkan/server-kit';
import { SCHEMA_DIR } from './supergraph';

const REPO_DIR = join(SCHEMA_DIR, '..');

/** Everything the regional gateway reads from its environment, with defaults. */
export const gatewayEnv = {
  /** HTTP and WebSocket port. Default 4000. */
  PORT: env.port(4000),
  /** Interface to listen on. Default 127.0.0.1. */
  HOST: z.string().default('127.0.0.1'),
  /** The region subgraph (member registry and catalogues). Required. */
  REGION_URL: z.url({ message: 'must be the URL of the region subgraph, e.g. http://127.0.0.1:4100/graphql' }),
  /** The composed supergraph. Default schema/supergraph.graphql. */
  SUPERGRAPH_FILE: z.string().default(join(SCHEMA_DIR, 'supergraph.graphql')),
  /** The kommun contract every member must implement. Default schema/kommun.graphql. */
  CONTRACT_FILE: z.string().default(join(SCHEMA_DIR, 'kommun.graphql')),
  /** How the contract's fetches are routed and merged. Default schema/kommun.routing.json. */
  ROUTING_FILE: z.string().default(join(SCHEMA_DIR, 'kommun.routing.json')),
  /** A shard that has not answered after this many milliseconds leaves a hole. Below REQUEST_TIMEOUT_MS. Default 2000. */
  SHARD_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /**
   * Requests in flight to all shards together, at most; more wait their turn. Default 2048: room
   * for seven requests that each ask all 290 kommuner of Sweden at once (a cap of 128 made every
   * such request wait a round trip or more for its turn). Each shard has its own cap: 32 connections.
   */
  SHARD_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(2048),
  /** The largest answer a kommun (or a member that is itself a hub) may give, in MiB; one larger is cut off and leaves a hole. Default 32. */
  SHARD_MAX_RESPONSE_MB: z.coerce.number().int().min(1).max(1024).default(32),
  /** How often the member registry is re-read, in ms. Default 10000. */
  MEMBERS_REFRESH_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /**
   * How often a verified member's schema is re-read at the same URL, in ms (spread over the
   * registry's refreshes). Default 60000. New, moved, refused and unreachable members are read on
   * every refresh.
   */
  MEMBERS_SCHEMA_REFRESH_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** Deepest field nesting a query may have. Default 12. */
  MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  /** Aliases in one operation. Default 30. */
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(30),
  /** Lexical tokens in one document. Default 5000. */
  MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  /** Directives in one operation. Default 50. */
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(50),
  /** Estimated cost of one operation, lists counted at their size. Default 25000. */
  MAX_COST: z.coerce.number().int().min(10).max(100_000_000).default(25_000),
  /** Largest page (`first`) of a list. Default 100. */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Size the cost estimate assumes for lists without `first`. Default 20. */
  LIST_SIZE_ESTIMATE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Largest request body in bytes. Default 102400 (100 KiB). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(100 * 1024),
  /**
   * Largest request body in bytes of a caller with a valid token (an editor's import of up to
   * 5,000 projects travels in one mutation). Default 16777216 (16 MiB).
   */
  MAX_EDITOR_BODY_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Results a subscriber may have waiting before its subscription is ended with SUBSCRIBER_TOO_SLOW. Default 500. */
  SUBSCRIPTION_QUEUE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(500),
  /**
   * Every request is answered within this many milliseconds: its fetches draw from one deadline at
   * 90 % of it (see deadline.ts), so what arrived by then is answered with the late kommuner named.
   * Only a request the gateway itself could not finish by then (a body still arriving) is answered
   * HTTP 503 REQUEST_TIMEOUT. Default 10000.
   */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Origins allowed by CORS: `*` (default; reads are public and tokens travel in a header, never a cookie), or a comma-separated list, or `none`. */
  CORS_ORIGINS: z.string().default('*'),
  /** The dashboard's built files, served at `/`. Default dashboard/dist (`npm run build:dashboard`). */
  DASHBOARD_DIR: z.string().default(join(REPO_DIR, 'dashboard/dist')),
  /**
   * The trusted documents (persisted queries: sha256 of the document → document), accepted by hash
   * in `extensions.persistedQuery.sha256Hash`. Default dashboard/dist/trusted-documents.json, which
   * the dashboard's build writes; a missing file means none.
   */
  TRUSTED_DOCUMENTS_FILE: z.string().default(join(REPO_DIR, 'dashboard/dist/trusted-documents.json')),
  /** true: a caller without a token may run only trusted documents; with a valid token any operation. Default false. */
  TRUSTED_DOCUMENTS_ONLY_FOR_ANONYMOUS: env.bool(false),
  /**
   * true: this gateway also answers as one member of a hub above it (a national hub of regional
   * hubs) at /member/graphql, implementing the kommun contract for all of its kommuner. Default false.
   */
  MEMBER_FACE: env.bool(false),
  LOG_LEVEL: env.logLevel(),
  ...authEnv,
  /**
   * The gateway's own signing keys for its assertions (a key file `{ "keys": [<private JWK>, …] }`,
   * the first signs, all are published at /.well-known/jwks.json). Unset: a key generated at
   * start; replicas behind one load balancer need the same file.
   */
  GATEWAY_SIGNING_KEY_FILE: z.string().optional(),
  /** The `iss` of the gateway's assertions. Default `samverkan-gateway`. */
  GATEWAY_ISSUER: z.string().default(GATEWAY_ISSUER),
  /** How long an assertion is valid, in seconds (at most 60). Default 30. */
  ASSERTION_TTL_S: z.coerce.number().int().min(1).max(ASSERTION_MAX_TTL_S).default(30),
  /**
   * Redis, shared by the replicas behind one load balancer (`redis://host:6379`): the response
   * cache (when RESPONSE_CACHE_TTL_S is set) and the persisted documents clients register. Unset:
   * each replica keeps its own, in memory.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'must be a Redis URL, redis:// or rediss://, e.g. redis://127.0.0.1:6379' }).optional(),
  /** Every key this gateway keeps in Redis starts with this, so several regions (or tests) can share one Redis. Default `samverkan:`. */
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('samverkan:'),
  /** A Redis command not answered by then fails, and the request goes on without the cache. Default 250. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  /**
   * The response cache for anonymous reads: an answer is kept at most this many seconds (what no
   * event invalidates, the region's data written directly at its subgraph, is at most this stale).
   * 0 (default): no response cache.
   */
  RESPONSE_CACHE_TTL_S: z.coerce.number().int().min(0).max(86_400).default(0),
  /**
   * true (default): an anonymous query whose plan is one fetch from the kommun contract, once the
   * full path has run its document, is answered by the gateway's short path (see short-path.ts),
   * exactly as the full path would and at a fraction of its cost. false: every request takes the
   * full path. Not used while the response cache is on.
   */
  SHORT_PATH: env.bool(true),
  ...suggestionEnv,
  ...metricsEnv,
};

export type GatewayConfig = ReturnType<typeof readGatewayConfig>;

export function readGatewayConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(gatewayEnv, source);
  // Settings that each make sense alone but cannot hold together.
  const problems: string[] = [];
  if (config.SHARD_TIMEOUT_MS >= config.REQUEST_TIMEOUT_MS) {
    problems.push(
      `SHARD_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS: a request is answered by its own timeout, so a shard cannot be given longer than that (got SHARD_TIMEOUT_MS=${config.SHARD_TIMEOUT_MS}, REQUEST_TIMEOUT_MS=${config.REQUEST_TIMEOUT_MS})`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
