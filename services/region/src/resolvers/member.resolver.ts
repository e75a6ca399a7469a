import { Arg, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import { KOMMUNKOD, MUNICIPALITY_QUERY_DESCRIPTION } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import type { RegionContext } from '../context';
import { Member } from '../entities';
import { MemberInput } from '../graphql/inputs';
import * as writes from '../store/member-writes';

/** The member registry: `Municipality` as the region knows it. */
@Resolver(() => Member)
export class MemberResolver {
  @Query(() => [Member], { description: 'The member kommuner, in Swedish alphabetical order.' })
  municipalities(@Ctx() ctx: RegionContext): Promise<Member[]> {
    return ctx.loaders.members();
  }

  // The kommun contract's description of this shareable field, so the two compose without a hint; null for non-members.
  @Query(() => Member, { nullable: true, description: MUNICIPALITY_QUERY_DESCRIPTION })
  @Directive('@shareable')
  municipality(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<Member | null> {
    if (!KOMMUNKOD.test(code)) throw badInput('code', `must be a 4-digit SCB kommunkod such as 1480 (got ${JSON.stringify(code)})`);
    return ctx.loaders.memberByCode.load(code);
  }

  @Mutation(() => Member, { description: 'Adds a kommun to the member registry or replaces its entry (region editors).' })
  upsertMember(@Arg('input', () => MemberInput) input: MemberInput, @Ctx() ctx: RegionContext): Promise<Member> {
    return writes.upsertMember(ctx, input);
  }

  @Mutation(() => ID, { description: 'Removes a kommun from the member registry; answers its code (region editors).' })
  removeMember(@Arg('code', () => ID) code: string, @Ctx() ctx: RegionContext): Promise<string> {
    return writes.removeMember(ctx, code);
  }
}
