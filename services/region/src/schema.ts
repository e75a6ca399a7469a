import 'reflect-metadata';
import { KOMMUNKOD } from '@samverkan/contract';
import { buildFederatedSchema, type FederatedSchema } from '@samverkan/subgraph-kit';
import type { RegionContext } from './context';
import { resolvers } from './resolvers';
import { lookup } from './resolvers/lookup';

/**
 * The region's subgraph as an executable Federation v2 schema. Every entity resolves its
 * references through the request's DataLoaders (one statement per type, however many
 * representations), and answers null for a key it does not hold.
 */
export function buildRegionSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema(
    { resolvers, validate: { forbidUnknownValues: false } },
    {
      Municipality: {
        __resolveReference: (ref: { code?: unknown }, ctx: RegionContext) =>
          typeof ref.code === 'string' && KOMMUNKOD.test(ref.code) ? ctx.loaders.memberByCode.load(ref.code) : null,
      },
      DevelopmentArea: { __resolveReference: (ref: { code?: unknown }, ctx: RegionContext) => lookup(ctx.loaders.areaByCode, ref.code) },
      JointInitiative: { __resolveReference: (ref: { id?: unknown }, ctx: RegionContext) => lookup(ctx.loaders.initiativeById, ref.id) },
      Network: { __resolveReference: (ref: { id?: unknown }, ctx: RegionContext) => lookup(ctx.loaders.networkById, ref.id) },
      FundingProgramme: { __resolveReference: (ref: { code?: unknown }, ctx: RegionContext) => lookup(ctx.loaders.programmeByCode, ref.code) },
    },
  );
}
