import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Endpoint } from './client';
import { checkEntities, checkErrors, checkLists, checkSchema } from './rules-read';
import { checkWrites, fixtureCodes } from './rules-full';
import { Run, type RuleResult } from './run';
import { buildContract } from './sdl';

export { buildContract, contractProblems } from './sdl';
export { formatHuman, formatJUnit } from './report';
export type { RuleResult, Failure, Status } from './run';

export interface CheckOptions {
  /** The kommun subgraph's GraphQL URL (HTTP; graphql-ws on the same URL). */
  url: string;
  /** An editor token of the kommun: with it and `full`, the checker writes (and removes) fixture projects. */
  token?: string;
  full?: boolean;
  /** The kommunkod the subgraph serves; learnt from its projects when not given. */
  municipality?: string;
  /** The contract SDL; the repository's schema/kommun.graphql by default. */
  contractSdl?: string;
}

export interface CheckReport {
  url: string;
  mode: 'read-only' | 'full';
  results: RuleResult[];
  passed: boolean;
  requests: number;
  ms: number;
}

/** Where the contract is: next to the package when published, else the repository's schema/. */
export function defaultContractSdl(): string {
  for (const file of [join(__dirname, '..', 'kommun.graphql'), join(__dirname, '..', '..', '..', 'schema', 'kommun.graphql')]) {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // next place
    }
  }
  throw new Error('kommun.graphql not found: give the contract with --contract <file>');
}

/** Runs every rule against a kommun subgraph: the schema, then its behaviour; writes only in full mode. */
export async function runConformance(options: CheckOptions): Promise<CheckReport> {
  const started = Date.now();
  const contract = buildContract(options.contractSdl ?? defaultContractSdl());
  const run = new Run(new Endpoint(options.url, options.token));
  const full = !!options.full;
  await checkSchema(run, contract);
  const facts = await checkLists(run, { contract, codes: options.municipality ? [options.municipality] : undefined });
  await checkEntities(run, facts);
  await checkErrors(run, facts);
  if (full) {
    const municipality = options.municipality ?? facts.codes[0];
    if (!options.token) run.fail('writes.need-token', 'full mode needs an editor token (--token)');
    else if (!municipality) run.fail('writes.create-read', 'the kommun has no projects to learn its kommunkod from: give --municipality');
    else await checkWrites(run, { contract, municipality, codes: fixtureCodes(facts.all) });
  }
  return { url: options.url, mode: full ? 'full' : 'read-only', results: run.all(), passed: !run.failed(), requests: run.endpoint.requests, ms: Date.now() - started };
}
