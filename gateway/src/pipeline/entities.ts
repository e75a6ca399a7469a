import { getArgumentValues, isObjectType, type FieldNode, type GraphQLObjectType } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { responseKey } from '../documents';
import type { Path } from '../holes';
import { fanOut, shardsOf, type FetchReport, type Outcome, type ShardRequest } from './fanout';
import { memberCodes, mergerFor, type Fetch, type Stages } from './fetch';
import { completePages, shareOf, type OpenPage, type ShardPage } from './pages';
import { planEntities, type TunedEntityConnection } from './plan';

type Obj = Record<string, unknown>;

const at = (indexes: number[]): Path[] => indexes.map((i) => ['_entities', i]);

/** A connection of one broadcast entity on its way to a complete page. */
interface EntityPage extends OpenPage {
  /** The representation's index. */
  entity: number;
  connection: TunedEntityConnection & { first: number };
}

/** Where each shard's answer holds each representation: URL → original index → position. */
type Positions = Map<string, Map<number, number>>;

/** `_entities`: routed representations to their owners, the others to every shard. */
export async function answerEntities(fetch: Fetch, stages: Stages, field: FieldNode): Promise<GatewayGraphQLResponse> {
  const { registry, planner, fanout, contract } = stages;
  const { report } = fanout;
  const { variables } = fetch;
  const reps = (variables.representations ?? []) as Obj[];
  // Plan.
  const { routed, broadcast } = planEntities(reps, contract.declaration);
  const shards = shardsOf([...(broadcast.length ? memberCodes(registry) : []), ...routed.keys()], (code) => at([...(routed.get(code) ?? []), ...broadcast]), registry, report);
  if (shards.size === 1) {
    // One shard holds every kommun asked for (one kommun, or a combined instance): nothing to merge.
    const [[url, codes]] = shards;
    if (codes.reduce((n, c) => n + (routed.get(c)?.length ?? 0), broadcast.length) === reps.length) {
      const identity = reps.map((_, i) => i);
      const [outcome] = await fanOut([{ url, codes, query: fetch.query, variables, indexes: identity, paths: at(identity) }], fanout);
      const data = 'answer' in outcome ? ((outcome.answer.data as Obj | null) ?? null) : null;
      const key = responseKey(field);
      const list = Array.isArray(data?.[key]) ? (data[key] as unknown[]) : new Array<unknown>(reps.length).fill(null);
      return report.result({ ...data, [key]: fillHoles(list, reps, field, report, mergerFor(contract, fetch.document, variables), contract) });
    }
  }
  const tuned = broadcast.length ? planner.tunedEntitiesQuery(fetch.query, fetch.document, fetch.operation, field) : null;
  const shardQuery = tuned ?? { query: fetch.query, document: fetch.document, fields: [] };
  // Each shard is asked for a share of each broadcast connection's page.
  const connections = shardQuery.fields.map((f) => {
    const args = getArgumentValues(f.def, f.node, variables);
    const first = typeof args.first === 'number' ? args.first : f.rule.defaultFirst;
    return { ...f, first, share: shareOf(first, shards.size) };
  });
  const shardVariables = { ...variables, ...Object.fromEntries(connections.map((p) => [p.variable, p.share])) };
  const wholePages = { ...variables, ...Object.fromEntries(connections.map((p) => [p.variable, p.first])) };
  // Fan out.
  const requests: ShardRequest[] = [...shards].map(([url, codes]) => {
    const indexes = [...codes.flatMap((c) => routed.get(c) ?? []), ...broadcast];
    return { url, codes, query: shardQuery.query, indexes, paths: at(indexes), variables: { ...shardVariables, representations: indexes.map((i) => reps[i]) } };
  });
  const outcomes = await fanOut(requests, fanout);
  // Complete pages: a shard that may hold more of an entity's page is asked for those entities with the whole page.
  if (connections.some((p) => p.share < p.first)) {
    const pages = openPages(reps, broadcast, connections, outcomes);
    await completePages(pages, async (round) => {
      const need = new Map<string, Set<number>>();
      for (const { page, shard } of round) need.set(shard.shard, (need.get(shard.shard) ?? new Set()).add(page.entity));
      const again = await fanOut(
        [...need].map(([url, set]) => {
          const indexes = [...set];
          return { url, codes: shards.get(url)!, query: shardQuery.query, indexes, paths: at(indexes), variables: { ...wholePages, representations: indexes.map((i) => reps[i]) } };
        }),
        fanout,
      );
      for (const o of again) {
        const fresh = entitiesOf(o);
        o.request.indexes!.forEach((entity, j) => {
          const target = entityAt(outcomes, o.request.url, entity);
          if (!target || !fresh[j]) return;
          for (const page of pages.filter((p) => p.entity === entity)) {
            const key = responseKey(page.connection.node);
            target[key] = fresh[j]![key];
            const shard = page.shards.find((s) => s.shard === o.request.url);
            if (shard) shard.value = target[key] as Obj;
          }
        });
      }
      // Asked for the whole page (or failing to answer it): nothing more to ask of them.
      for (const { shard } of round) shard.settled = true;
    });
  }
  // Merge.
  const results: unknown[] = new Array(reps.length).fill(null);
  const shared: Obj[][] = reps.map(() => []);
  const merger = mergerFor(contract, shardQuery.document, wholePages);
  const isBroadcast = new Set(broadcast);
  for (const outcome of outcomes) {
    if ('failure' in outcome) continue;
    const list = entitiesOf(outcome);
    outcome.request.indexes!.forEach((original, j) => {
      const value = list[j] ?? null;
      if (isBroadcast.has(original)) {
        if (value) shared[original].push(value);
      } else {
        results[original] = value;
      }
    });
  }
  if (broadcast.length) {
    reps.forEach((rep, i) => {
      const type = contract.contract.getType(String(rep.__typename)) as GraphQLObjectType | undefined;
      if (!type) return;
      if (isBroadcast.has(i)) results[i] = shared[i].length ? merger.mergeObject(field.selectionSet, type, shared[i]) : null;
      else if (results[i]) results[i] = merger.mergeObject(field.selectionSet, type, [results[i] as Obj]);
    });
  }
  return report.result({ [responseKey(field)]: fillHoles(results, reps, field, report, merger, contract) });
}

/**
 * An entity left null by a hole (its owner did not answer) becomes a placeholder: its fields
 * empty or null, so its parents keep everyone else's data and the hole is named at its place,
 * instead of the null climbing non-null fields up to the root. An entity its owner answered
 * null stays null.
 */
function fillHoles(results: unknown[], reps: Obj[], field: FieldNode, report: FetchReport, merger: ReturnType<typeof mergerFor>, contract: Stages['contract']): unknown[] {
  return results.map((value, i) => {
    if (value != null || !report.holeAt(['_entities', i])) return value;
    const type = contract.contract.getType(String(reps[i].__typename));
    return type && isObjectType(type) ? merger.placeholder(field.selectionSet, type, reps[i]) : null;
  });
}

function entitiesOf(outcome: Outcome): Array<Obj | null> {
  return 'answer' in outcome ? ((outcome.answer.data?._entities ?? []) as Array<Obj | null>) : [];
}

/** The entity a shard answered for a representation (by its original index). */
function entityAt(outcomes: Outcome[], url: string, entity: number): Obj | null {
  const o = outcomes.find((x) => x.request.url === url);
  const j = o?.request.indexes!.indexOf(entity) ?? -1;
  return o && j >= 0 ? (entitiesOf(o)[j] ?? null) : null;
}

/** Each broadcast entity's connections, as the shards that answered have given them. */
function openPages(reps: Obj[], broadcast: number[], connections: Array<TunedEntityConnection & { first: number }>, outcomes: Outcome[]): EntityPage[] {
  const answered = outcomes.filter((o) => 'answer' in o);
  const positions: Positions = new Map(answered.map((o) => [o.request.url, new Map(o.request.indexes!.map((original, j) => [original, j]))]));
  const pages: EntityPage[] = [];
  for (const entity of broadcast) {
    for (const connection of connections.filter((c) => c.typeName === reps[entity].__typename)) {
      const key = responseKey(connection.node);
      const shards: ShardPage[] = [];
      for (const o of answered) {
        const value = entitiesOf(o)[positions.get(o.request.url)!.get(entity)!]?.[key] as Obj | null | undefined;
        if (value) shards.push({ shard: o.request.url, value });
      }
      pages.push({ first: connection.first, cursor: connection.rule.cursor, shards, entity, connection });
    }
  }
  return pages;
}
