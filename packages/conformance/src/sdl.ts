import { findBreakingChanges, parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';

/** Builds a subgraph schema from SDL as `_service { sdl }` gives it. */
export function buildContract(sdl: string): GraphQLSchema {
  return buildSubgraphSchema(parse(sdl));
}

/**
 * What keeps a member's schema from implementing the contract: every type, field and argument
 * of the contract must be there with a compatible type. More is allowed. This is the check the
 * gateway makes before a member joins, and the first rule of the conformance checker.
 */
export function contractProblems(contract: GraphQLSchema, memberSdl: string): string[] {
  try {
    return findBreakingChanges(contract, buildContract(memberSdl)).map((c) => c.description);
  } catch (err) {
    return [`its schema does not build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`];
  }
}
