import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RegionContext } from '../context';
import { Agreement, DevelopmentArea } from '../entities';
import { DevelopmentAreaInput } from '../graphql/inputs';
import * as writes from '../store/catalogue-writes';
import { loadKnown } from '../store/loaders';
import { lookup } from './lookup';

@Resolver(() => DevelopmentArea)
export class DevelopmentAreaResolver {
  @Query(() => [DevelopmentArea], { description: 'The development areas (utvecklingsområden), in their order.' })
  developmentAreas(@Ctx() ctx: RegionContext): Promise<DevelopmentArea[]> {
    return ctx.loaders.areas();
  }

  @Query(() => DevelopmentArea, { nullable: true })
  developmentArea(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<DevelopmentArea | null> {
    return lookup(ctx.loaders.areaByCode, code);
  }

  @FieldResolver(() => Agreement, { nullable: true, description: 'The agreement that set the area up, if any.' })
  agreement(@Root() area: DevelopmentArea, @Ctx() ctx: RegionContext): Promise<Agreement | null> | null {
    return area.agreementId ? ctx.loaders.agreementById.load(area.agreementId) : null;
  }

  @Mutation(() => DevelopmentArea, { description: 'Creates or replaces a development area (region editors).' })
  upsertDevelopmentArea(@Arg('input', () => DevelopmentAreaInput) input: DevelopmentAreaInput, @Ctx() ctx: RegionContext): Promise<DevelopmentArea> {
    return writes.upsertDevelopmentArea(ctx, input);
  }

  @Mutation(() => ID, { description: 'Deletes a development area no agreement or initiative names; answers its code (region editors).' })
  deleteDevelopmentArea(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<string> {
    return writes.deleteDevelopmentArea(ctx, code);
  }
}

@Resolver(() => Agreement)
export class AgreementResolver {
  @Query(() => [Agreement], { description: "The region's agreements (överenskommelser)." })
  agreements(@Ctx() ctx: RegionContext): Promise<Agreement[]> {
    return ctx.loaders.agreements();
  }

  @FieldResolver(() => [DevelopmentArea], { description: 'The development areas it sets out, in its order.' })
  developmentAreas(@Root() agreement: Agreement, @Ctx() ctx: RegionContext): Promise<DevelopmentArea[]> {
    return loadKnown(ctx.loaders.areaByCode, agreement.developmentAreaCodes);
  }
}
