import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { contractFit, type ContractFit } from '@samverkan/conformance/sdl';

export { buildContract } from '@samverkan/conformance/sdl';

/**
 * How a member's schema fits the contract (see `contractFit`, which the conformance checker
 * shares): what keeps it out, and what it lacks from a newer contract version than its own.
 * Cached by SDL, since members are re-checked on every registry refresh.
 */
export class ContractChecker {
  private readonly cache = new Map<string, Promise<ContractFit>>();
  constructor(private readonly contract: GraphQLSchema) {}

  fit(memberSdl: string): Promise<ContractFit> {
    const hash = createHash('sha256').update(memberSdl).digest('hex');
    let result = this.cache.get(hash);
    if (!result) {
      result = contractFit(this.contract, memberSdl);
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(hash, result);
    }
    return result;
  }
}
