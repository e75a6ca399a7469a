import 'reflect-metadata';
import { contractLink } from '@samverkan/conformance/version';
import { idRangeProblem, parseId } from '@samverkan/contract';
import { buildFederatedSchema, type FederatedSchema } from '@samverkan/subgraph-kit';
import type { KommunContext } from './context';
import { resolvers } from './resolvers';
import { projectByGlobalId } from './resolvers/project.resolver';
import { servedMunicipality } from './resolvers/municipality.resolver';
import { createPubSub } from '@graphql-yoga/subscription';

const passThrough = { __resolveReference: (ref: unknown) => ref };

let built: Promise<FederatedSchema> | null = null;

/**
 * The kommun contract as an executable Federation v2 subgraph, built once per process: every
 * kommun instance in a process shares it. Each instance's events reach its subscribers through
 * its own `pubSub` in the context (see subscription.resolver.ts); the one given to type-graphql
 * here is never published to.
 */
export function buildKommunSchema(): Promise<FederatedSchema> {
  built ??= buildFederatedSchema(
    { resolvers, pubSub: createPubSub(), validate: { forbidUnknownValues: false } },
    {
      Project: { __resolveReference: (ref: { id: string }, ctx: KommunContext) => projectByGlobalId(ctx, ref.id) },
      Municipality: { __resolveReference: (ref: { code: string }, ctx: KommunContext) => servedMunicipality(ctx, ref.code) },
      Membership: {
        __resolveReference: async (ref: { id: string }, ctx: KommunContext) => {
          const parsed = parseId(ref.id, 'membership');
          if (!parsed || !ctx.codes.has(parsed.code)) return null;
          const m = await ctx.loaders.membershipById.load(parsed.local);
          return m && m.municipalityCode === parsed.code ? m : null;
        },
      },
      DevelopmentArea: passThrough,
      FundingProgramme: passThrough,
      JointInitiative: passThrough,
      Network: passThrough,
    },
    // A project or membership id past the keys' range is forged: refused, not looked up.
    { Project: idRangeProblem, Membership: idRangeProblem },
    // The contract version this subgraph implements, announced in its SDL for the gateway.
    [contractLink()],
  );
  return built;
}
