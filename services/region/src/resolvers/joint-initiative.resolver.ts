import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RegionContext } from '../context';
import { DevelopmentArea, FundingProgramme, JointInitiative } from '../entities';
import { JointInitiativeInput } from '../graphql/inputs';
import * as writes from '../store/catalogue-writes';
import { loadKnown } from '../store/loaders';
import { lookup } from './lookup';

@Resolver(() => JointInitiative)
export class JointInitiativeResolver {
  @Query(() => [JointInitiative], { description: 'The joint initiatives (gemensamma satsningar), by name.' })
  jointInitiatives(@Ctx() ctx: RegionContext): Promise<JointInitiative[]> {
    return ctx.loaders.initiatives();
  }

  @Query(() => JointInitiative, { nullable: true })
  jointInitiative(@Arg('id', () => ID) id: string, @Ctx() ctx: RegionContext): Promise<JointInitiative | null> {
    return lookup(ctx.loaders.initiativeById, id);
  }

  @FieldResolver(() => FundingProgramme, { nullable: true, description: 'The programme that funds it, if any.' })
  programme(@Root() i: JointInitiative, @Ctx() ctx: RegionContext): Promise<FundingProgramme | null> | null {
    return i.programmeCode ? ctx.loaders.programmeByCode.load(i.programmeCode) : null;
  }

  @FieldResolver(() => [DevelopmentArea], { description: 'The development areas it serves.' })
  developmentAreas(@Root() i: JointInitiative, @Ctx() ctx: RegionContext): Promise<DevelopmentArea[]> {
    return loadKnown(ctx.loaders.areaByCode, i.developmentAreaCodes);
  }

  @Mutation(() => JointInitiative, { description: 'Creates or replaces a joint initiative (region editors).' })
  upsertJointInitiative(@Arg('input', () => JointInitiativeInput) input: JointInitiativeInput, @Ctx() ctx: RegionContext): Promise<JointInitiative> {
    return writes.upsertJointInitiative(ctx, input);
  }

  @Mutation(() => ID, { description: 'Deletes a joint initiative; answers its id (region editors).' })
  deleteJointInitiative(@Arg('id', () => ID) id: string, @Ctx() ctx: RegionContext): Promise<string> {
    return writes.deleteJointInitiative(ctx, id);
  }
}
