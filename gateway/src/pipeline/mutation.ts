import { print } from 'graphql';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { responseKey, rootFields, subsetOperation } from '../documents';
import type { Path } from '../holes';
import { dataOf, fanOut, shardsOf, type Outcome } from './fanout';
import type { Fetch, Stages } from './fetch';
import { planMutation } from './plan';

type Obj = Record<string, unknown>;

/** Mutations: each field to the kommun its declared argument names, in order. */
export async function answerMutation(fetch: Fetch, stages: Stages): Promise<GatewayGraphQLResponse> {
  const { report } = stages.fanout;
  const fields = rootFields(fetch.operation);
  const { owners, errors } = planMutation(fields, fetch.variables, stages.contract);
  report.add(...errors);
  if (new Set(owners).size === 1 && owners[0]) {
    const outcome = await sendTo(stages, owners[0], fetch.query, fetch.variables, fields.map((f) => [responseKey(f)]));
    return report.result(dataOf(outcome));
  }
  // Fields for different kommuner: one request each, in order, as mutations run.
  const data: Obj = {};
  for (let i = 0; i < fields.length; i++) {
    const code = owners[i];
    const key = responseKey(fields[i]);
    data[key] = null;
    if (!code) continue;
    const outcome = await sendTo(stages, code, print(subsetOperation(fetch.operation, [fields[i]], fetch.document)), fetch.variables, [[key]]);
    data[key] = dataOf(outcome)?.[key] ?? null;
  }
  return report.result(data);
}

/** Sends a whole operation to the one shard that serves `code`, to fill `paths`; undefined when it cannot be asked. */
async function sendTo({ registry, fanout }: Stages, code: string, query: string, variables: Obj, paths: Path[]): Promise<Outcome | undefined> {
  const [shard] = shardsOf([code], () => paths, registry, fanout.report);
  if (!shard) return undefined;
  const [outcome] = await fanOut([{ url: shard[0], codes: shard[1], query, variables, paths }], fanout);
  return outcome;
}
