import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { fragmentsOf } from '../documents';
import { ResponseMerger } from '../routing/merge';
import type { MemberRegistry } from '../shards/registry';
import type { FanOutScope } from './fanout';
import type { Contract, Planner } from './plan';

type Obj = Record<string, unknown>;

/** One fetch from the gateway's query plan, as its shards are to be asked it. */
export interface Fetch {
  query: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Obj;
}

/** The parts one fetch runs through: plan, fan out (with its report), complete pages, merge. */
export interface Stages {
  contract: Contract;
  planner: Planner;
  registry: MemberRegistry;
  fanout: FanOutScope;
  /** Answering as a member of a hub above: kommunkoder of other members in a filter are left out quietly. */
  asMember?: boolean;
}

/** The members' kommunkoder, in order. */
export function memberCodes(registry: MemberRegistry): string[] {
  return registry.all().map((m) => m.code);
}

/** A merger for a fetch document; `variables` hold the page sizes the client asked for. */
export function mergerFor({ contract, declaration }: Contract, document: DocumentNode, variables: Obj): ResponseMerger {
  return new ResponseMerger(contract, declaration, fragmentsOf(document), variables);
}
