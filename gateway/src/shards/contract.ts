import { createHash } from 'node:crypto';
import { findBreakingChanges, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';

/** Builds a subgraph schema from SDL as `_service { sdl }` gives it. */
export function buildContract(sdl: string): GraphQLSchema {
  return buildSubgraphSchema(parse(sdl));
}

/**
 * What keeps a member's schema from implementing the contract: every type, field and argument
 * of the contract must be there with a compatible type. More is allowed. Cached by SDL, since
 * members are re-checked on every registry refresh.
 */
export class ContractChecker {
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly contract: GraphQLSchema) {}

  problems(memberSdl: string): string[] {
    const hash = createHash('sha256').update(memberSdl).digest('hex');
    let result = this.cache.get(hash);
    if (!result) {
      try {
        result = findBreakingChanges(this.contract, buildContract(memberSdl)).map((c) => c.description);
      } catch (err) {
        result = [`its schema does not build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
      }
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(hash, result);
    }
    return result;
  }
}
