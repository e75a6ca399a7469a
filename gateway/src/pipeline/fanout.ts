import type { GraphQLFormattedError } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { REQUEST_ID_HEADER, type Logger } from '@samverkan/server-kit';
import type { Deadline } from '../deadline';
import { callerError, holeError, isForTheCaller, namedKommuner, unknownError, type Path } from '../holes';
import type { ShardAnswer, ShardClient } from '../shards/client';
import type { MemberRegistry } from '../shards/registry';
import type { VersionGate } from './versions';
import type { ReadTracker } from '../cache/response-cache';

type Obj = Record<string, unknown>;

/**
 * One request to one shard. A shard is a subgraph URL: usually one kommun's, but a combined
 * instance may serve several kommuner, and is then asked once for all of them.
 */
export interface ShardRequest {
  url: string;
  codes: string[];
  query: string;
  variables: Obj;
  /** For _entities: the original index of each representation sent. */
  indexes?: number[];
  /** The places in the fetch's answer that its kommuner fill: where a hole goes when it fails. */
  paths: Path[];
}

/** How one shard answered a request: its data and errors, or why it gave none. */
export type Outcome = ({ answer: ShardAnswer } | { failure: string }) & { request: ShardRequest };

/** The data a shard answered, or null when it failed or answered none. */
export function dataOf(outcome: Outcome | undefined): Obj | null {
  return outcome && 'answer' in outcome ? ((outcome.answer.data as Obj | null | undefined) ?? null) : null;
}

/**
 * The errors of one fetch as they are found: the caller's own, and the holes, each kommun named
 * once per place it is missing from.
 */
export class FetchReport {
  readonly errors: GraphQLFormattedError[] = [];
  private readonly reported = new Set<string>();
  /** The places (paths as JSON) a kommun is missing from. */
  private readonly holes = new Set<string>();

  constructor(private readonly registry: MemberRegistry) {}

  add(...errors: GraphQLFormattedError[]): void {
    this.errors.push(...errors);
  }

  /**
   * Names a kommun whose data is missing from this fetch's answer at each of `paths` (once per
   * kommun and place): a hole, or, for a kommunkod that is no member, MUNICIPALITY_UNKNOWN.
   */
  missing(code: string, reason: string, paths: Path[], kind: 'MUNICIPALITY_UNAVAILABLE' | 'MUNICIPALITY_UNKNOWN' = 'MUNICIPALITY_UNAVAILABLE'): void {
    for (const path of paths.length ? paths : [undefined]) {
      const id = `${code}\n${JSON.stringify(path ?? null)}`;
      if (this.reported.has(id)) continue;
      this.reported.add(id);
      if (kind === 'MUNICIPALITY_UNAVAILABLE') this.holes.add(JSON.stringify(path ?? null));
      this.errors.push(kind === 'MUNICIPALITY_UNKNOWN' ? unknownError(code, path) : holeError(code, this.registry.get(code)?.name, reason, path));
    }
  }

  /** Whether a kommun was named missing at exactly `path`. */
  holeAt(path: Path): boolean {
    return this.holes.has(JSON.stringify(path));
  }

  /** The fetch's answer: `data` with the errors found on the way. */
  result(data: Obj | null): GatewayGraphQLResponse {
    return this.errors.length ? { data, errors: this.errors } : { data };
  }
}

/**
 * The shards behind some kommuner, in kommunkod order: URL → the kommuner it serves here.
 * A kommun that cannot be asked is named as missing at `pathsOf(code)`.
 */
export function shardsOf(codes: Iterable<string>, pathsOf: (code: string) => Path[], registry: MemberRegistry, report: FetchReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const code of [...new Set(codes)].sort()) {
    const target = registry.target(code);
    if (target.url === null) {
      report.missing(code, target.reason, pathsOf(code), registry.get(code) ? 'MUNICIPALITY_UNAVAILABLE' : 'MUNICIPALITY_UNKNOWN');
      continue;
    }
    const list = out.get(target.url);
    if (list) list.push(code);
    else out.set(target.url, [code]);
  }
  return out;
}

/** What every request of one fetch shares. */
export interface FanOutScope {
  client: ShardClient;
  logger: Logger;
  report: FetchReport;
  /** The request's one deadline: every shard request draws from it. */
  deadline?: Deadline;
  /**
   * The caller's token, for a write only. It travels with a write to the kommun that owns it and
   * nowhere else: reads (entity fetches after a write among them) carry none, so no kommun ever
   * sees a credential it could replay against another.
   */
  writeAuthorization?: string;
  /** The fetch is a write: it waits until the request's deadline, not SHARD_TIMEOUT_MS (see writeBudget). */
  write?: boolean;
  /**
   * For a read of fields whose owner must know who asks (the routing declaration's `identity`):
   * the Authorization header for the shard serving `codes`, the gateway's own assertion of the
   * caller, bound to that kommun. Never the caller's token.
   */
  identityFor?: (codes: string[]) => Promise<string | undefined>;
  /** Members on an older contract version: a request that uses what they lack is not sent to them. */
  versions?: VersionGate;
  /** What the request read and wrote, for the response cache (see ReadTracker). */
  reads?: ReadTracker;
  /** The client request's id: each kommun asked gets it, so that its log lines carry the gateway's id. */
  requestId?: string;
}

/**
 * Sends each request to its shard in parallel, each waiting no longer than the request's deadline
 * allows; a shard that fails leaves a named hole at each place it was asked to fill. Outcomes come
 * in request order (by kommunkod), so that concatenated lists come out the same every time.
 */
export function fanOut(requests: ShardRequest[], scope: FanOutScope): Promise<Outcome[]> {
  const ids: Record<string, string> = scope.requestId ? { [REQUEST_ID_HEADER]: scope.requestId } : {};
  const writeHeaders: Record<string, string> = scope.writeAuthorization ? { ...ids, authorization: scope.writeAuthorization } : ids;
  return Promise.all(
    requests.map(async (request): Promise<Outcome> => {
      const gaps = scope.versions?.gaps(request.codes, request.query, request.variables) ?? [];
      if (gaps.length) {
        // Not sent: it would be refused for what its contract version lacks. Each such kommun is a
        // hole; a combined instance's other kommuner too, since they share the request.
        for (const code of request.codes) scope.report.missing(code, gaps.find((g) => g.code === code)?.reason ?? gaps[0].reason, request.paths);
        return { failure: gaps[0].reason, request };
      }
      for (const code of request.codes) scope.reads?.[scope.write ? 'written' : 'read'].add(code);
      try {
        const asserted = !scope.writeAuthorization && scope.identityFor ? await scope.identityFor(request.codes) : undefined;
        const headers = asserted ? { ...ids, authorization: asserted } : writeHeaders;
        const answer = await scope.client.post(request.url, { query: request.query, variables: request.variables }, headers, scope.deadline, { write: scope.write, notBefore: scope.reads?.since });
        keepErrors(request, answer, scope);
        return { answer, request };
      } catch (err) {
        const reason = `its subgraph ${(err as Error).message}`;
        for (const code of request.codes) scope.report.missing(code, reason, request.paths);
        return { failure: reason, request };
      }
    }),
  );
}

/**
 * A shard's own errors. Those meant for the caller (BAD_USER_INPUT and the like) pass on as they
 * came, naming the kommun. Any other (an internal error, with the code INTERNAL_SERVER_ERROR or
 * none) means the kommun's data is missing there: a hole at the place it affects (the root field's
 * key, or the entity), its details kept for the log. An answer without data loses every place the
 * request was to fill.
 */
function keepErrors(request: ShardRequest, answer: ShardAnswer, { report, logger, requestId }: FanOutScope): void {
  const holes: Path[] = [];
  let everywhere = answer.data == null;
  let internal = 0;
  const asked = (place: Path | undefined) => !!place && request.paths.some((p) => p.length === place.length && p.every((x, i) => x === place[i]));
  for (const e of answer.errors ?? []) {
    let path: Path | undefined = e.path;
    if (request.indexes && path?.[0] === '_entities' && typeof path[1] === 'number') path = ['_entities', request.indexes[path[1]], ...path.slice(2)];
    if (isForTheCaller(e.extensions?.code)) {
      report.add(callerError(e, path, request.codes));
      continue;
    }
    const place = !path ? undefined : path[0] === '_entities' ? (typeof path[1] === 'number' ? path.slice(0, 2) : undefined) : path.slice(0, 1);
    // A member that is itself a hub (see member.ts) names the kommuner missing inside it: those
    // are the holes, at the place it names, and the rest of its answer stands.
    const inside = e.extensions?.code === 'MUNICIPALITY_UNAVAILABLE' ? namedKommuner(e.extensions).filter((c) => request.codes.includes(c)) : [];
    if (inside.length) {
      const reason = typeof e.extensions?.reason === 'string' ? e.extensions.reason : 'its member answered it missing';
      for (const code of inside) report.missing(code, reason, asked(place) ? [place!] : request.paths);
      continue;
    }
    internal++;
    if (asked(place)) holes.push(place!);
    else everywhere = true;
  }
  // Data lost with nothing said for the caller: every place the request was to fill is a hole.
  if (answer.data == null && internal === 0 && answer.errors?.length) everywhere = false;
  if (!internal && !everywhere) return;
  if (internal) logger.warn({ requestId, municipalities: request.codes, errors: answer.errors?.filter((e) => !isForTheCaller(e.extensions?.code)) }, 'a kommun answered an internal error');
  const reason = internal ? 'its subgraph answered an internal error' : 'its subgraph answered no data';
  for (const code of request.codes) report.missing(code, reason, everywhere ? request.paths : holes);
}
