import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { contractProblems } from '@samverkan/conformance/sdl';

export { buildContract } from '@samverkan/conformance/sdl';

/**
 * What keeps a member's schema from implementing the contract (see `contractProblems`, which the
 * conformance checker shares). Cached by SDL, since members are re-checked on every registry refresh.
 */
export class ContractChecker {
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly contract: GraphQLSchema) {}

  problems(memberSdl: string): string[] {
    const hash = createHash('sha256').update(memberSdl).digest('hex');
    let result = this.cache.get(hash);
    if (!result) {
      result = contractProblems(this.contract, memberSdl);
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(hash, result);
    }
    return result;
  }
}
