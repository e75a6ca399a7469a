import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RegionContext } from '../context';
import { FundingProgramme } from '../entities';
import { Fund } from '../graphql/enums';
import { FundingProgrammeInput } from '../graphql/inputs';
import * as writes from '../store/catalogue-writes';
import { lookup } from './lookup';

@Resolver(() => FundingProgramme)
export class FundingProgrammeResolver {
  @Query(() => [FundingProgramme], { description: 'The funding programmes of the catalogue, by code; only those of `fund` when given.' })
  async fundingProgrammes(
    @Arg('fund', () => Fund, { nullable: true }) fund: Fund | null | undefined,
    @Ctx() ctx: RegionContext,
  ): Promise<FundingProgramme[]> {
    const all = await ctx.loaders.programmes();
    return fund ? all.filter((p) => p.fund === fund) : all;
  }

  @Query(() => FundingProgramme, { nullable: true })
  fundingProgramme(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<FundingProgramme | null> {
    return lookup(ctx.loaders.programmeByCode, code);
  }

  @Mutation(() => FundingProgramme, { description: 'Creates or replaces a funding programme (region editors).' })
  upsertFundingProgramme(@Arg('input', () => FundingProgrammeInput) input: FundingProgrammeInput, @Ctx() ctx: RegionContext): Promise<FundingProgramme> {
    return writes.upsertFundingProgramme(ctx, input);
  }

  @Mutation(() => ID, { description: 'Deletes a funding programme no joint initiative names; answers its code (region editors).' })
  deleteFundingProgramme(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<string> {
    return writes.deleteFundingProgramme(ctx, code);
  }
}
