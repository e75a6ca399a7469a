import { Kind, getArgumentValues, getNamedType, type FieldNode } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { responseKey } from '../documents';
import type { Path } from '../holes';
import type { ConnectionRule } from '../routing/declaration';
import { HIDDEN } from '../routing/inject';
import { dataOf, fanOut, shardsOf, type Outcome } from './fanout';
import { memberCodes, mergerFor, type Fetch, type Stages } from './fetch';
import { appendRows, completePages, nextAsk, shareOf, type OpenPage } from './pages';
import { planRootFields, type FieldPlan, type TunedQuery } from './plan';

type Obj = Record<string, unknown>;

/** A broadcast root connection on its way to a complete page. */
interface RootPage extends OpenPage {
  key: string;
  /** The gateway's variables for its `first` and `after`. */
  names: { first: string; after: string };
  /** The query that asks for more of this field's rows (the field alone, without its sums). */
  query: string;
  /** Its row lists, appended to when a shard gives more. */
  lists: string[];
}

/** Root query fields: routed ones to their owner, the rest to every (named) shard, merged. */
export async function answerQuery(fetch: Fetch, stages: Stages, fields: FieldNode[]): Promise<GatewayGraphQLResponse> {
  const { registry, planner, fanout } = stages;
  const { report } = fanout;
  const { variables } = fetch;
  // Plan: which kommuner each field goes to.
  const { plans, errors } = planRootFields(fields, variables, stages.contract, memberCodes(registry), { quietUnknown: stages.asMember });
  report.add(...errors);
  // Each shard is asked only the fields it takes part in: shards with the same fields share a query.
  const shards = shardsOf(
    plans.flatMap((p) => p.codes),
    (code) => plans.filter((p) => p.def && p.codes.includes(code)).map((p) => [responseKey(p.node)]),
    registry,
    report,
  );
  const pathsOf = (indexes: number[]): Path[] => indexes.map((i) => [responseKey(plans[i].node)]);
  const urlOf = new Map([...shards].flatMap(([url, codes]) => codes.map((c) => [c, url] as const)));
  const urlsOf = (plan: FieldPlan) => [...new Set(plan.codes.map((c) => urlOf.get(c)).filter((u): u is string => !!u))];
  const fieldsOf = new Map<string, number[]>();
  plans.forEach((p, i) => {
    for (const url of urlsOf(p)) fieldsOf.set(url, [...(fieldsOf.get(url) ?? []), i]);
  });
  // One shard answers every field (one kommun, or a combined instance holding them all): pass its answer on.
  if (fieldsOf.size === 1 && [...fieldsOf.values()][0].length === plans.filter((p) => p.def).length) {
    const [[url, indexes]] = fieldsOf;
    const [only] = await fanOut([{ url, codes: shards.get(url)!, query: fetch.query, variables, paths: pathsOf(indexes) }], fanout);
    return report.result(dataOf(only));
  }
  const tuned = planner.tunedQuery(fetch.query, fetch.document, fetch.operation);
  // Each broadcast connection asks each shard for a share of the page, not the whole page.
  const pages = new Map<number, { first: number; after: unknown; share: number }>();
  for (const i of tuned.vars.keys()) {
    const plan = plans[i];
    if (plan.routed || !plan.def) continue;
    const rule = stages.contract.declaration.merge[getNamedType(plan.def.type).name] as ConnectionRule;
    const args = getArgumentValues(plan.def, plan.node, variables);
    const first = typeof args.first === 'number' ? args.first : rule.defaultFirst;
    pages.set(i, { first, after: args.after ?? null, share: shareOf(first, urlsOf(plan).length) });
  }
  const shardVariables = { ...variables };
  const mergeVariables = { ...variables };
  for (const [i, names] of tuned.vars) {
    const page = pages.get(i) ?? { first: 0, after: null, share: 0 };
    Object.assign(shardVariables, { [names.first]: page.share, [names.after]: page.after });
    Object.assign(mergeVariables, { [names.first]: page.first, [names.after]: page.after });
  }
  // Fan out.
  const outcomes = new Map<string, Outcome>();
  const sent = await fanOut(
    [...fieldsOf].map(([url, indexes]) => ({ url, codes: shards.get(url)!, query: planner.subset(tuned, indexes).query, variables: shardVariables, paths: pathsOf(indexes) })),
    fanout,
  );
  for (const o of sent) outcomes.set(o.request.url, o);
  // Complete pages.
  const open: RootPage[] = [];
  for (const [i, page] of pages) {
    if (page.share >= page.first) continue;
    const plan = plans[i];
    const key = responseKey(plan.node);
    const shardPages = urlsOf(plan)
      .map((url) => ({ shard: url, value: dataOf(outcomes.get(url))?.[key] as Obj | null | undefined }))
      .filter((s): s is { shard: string; value: Obj } => !!s.value);
    const rule = stages.contract.declaration.merge[getNamedType(plan.def!.type).name] as ConnectionRule;
    open.push({ first: page.first, cursor: rule.cursor, shards: shardPages, key, names: tuned.vars.get(i)!, query: planner.moreRows(tuned, i, rule).query, lists: rowLists(plan.node, rule) });
  }
  await completePages(open, async (round) => {
    const more = await fanOut(
      round.map(({ page, shard }) => {
        const ask = nextAsk(page, shard);
        return { url: shard.shard, codes: shards.get(shard.shard)!, query: page.query, paths: [[page.key]], variables: { ...shardVariables, [page.names.first]: ask.first, [page.names.after]: ask.after } };
      }),
      fanout,
    );
    round.forEach(({ page, shard }, n) => appendRows(shard.value, dataOf(more[n])?.[page.key] as Obj | null | undefined, page.lists));
  });
  // Merge.
  return report.result(mergeRoot(stages, tuned, plans, urlOf, outcomes, mergeVariables));
}

/** The response keys of a connection's row lists: the hidden cursors, and the client's edges and nodes. */
function rowLists(node: FieldNode, rule: ConnectionRule): string[] {
  const selected = (node.selectionSet?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD && (s.name.value === rule.edges || s.name.value === rule.nodes));
  // A hub above selects the hidden cursors under the gateway's own alias: each list is appended once.
  return [...new Set([HIDDEN.cursors, ...selected.map(responseKey)])];
}

/** Each root field from the shards that answered it, merged by the declaration (an empty answer where none did). */
function mergeRoot(stages: Stages, tuned: TunedQuery, plans: FieldPlan[], urlOf: Map<string, string>, outcomes: Map<string, Outcome>, variables: Obj): Obj {
  const merger = mergerFor(stages.contract, stages.planner.subset(tuned, plans.map((_, i) => i)).document, variables);
  const data: Obj = {};
  for (const plan of plans) {
    const key = responseKey(plan.node);
    if (!plan.def) {
      if (plan.node.name.value === '__typename') data[key] = 'Query';
      continue;
    }
    const values = [...new Set(plan.codes.map((c) => urlOf.get(c)))]
      .map((url) => (url ? outcomes.get(url) : undefined))
      .map((o) => (o && 'answer' in o ? (o.answer.data as Obj | null | undefined)?.[key] : undefined))
      .filter((v) => v !== undefined);
    data[key] = values.length ? merger.mergeField(plan.node, plan.def, values) : plan.routed ? null : merger.empty(plan.node, plan.def);
  }
  return data;
}
