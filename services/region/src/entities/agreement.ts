import { Field, ID, ObjectType } from 'type-graphql';

/**
 * An agreement (överenskommelse) of the region, e.g. GR's and Göteborg's 2014 agreement on EU
 * cooperation. `developmentAreas` is resolved from `developmentAreaCodes`, in the agreement's order.
 */
@ObjectType({ simpleResolvers: true, description: 'An agreement (överenskommelse) of the region, e.g. on EU cooperation.' })
export class Agreement {
  @Field(() => ID)
  id!: string;

  @Field()
  title!: string;

  @Field(() => [String], { description: 'The parties, as named in the agreement.' })
  parties!: string[];

  @Field(() => String, { nullable: true, description: 'When it was decided (beslutad), e.g. 2014-11.' })
  decided!: string | null;

  @Field(() => String, { nullable: true, description: 'When it was signed (undertecknad), e.g. 2015-01.' })
  signed!: string | null;

  @Field(() => String, { nullable: true, description: 'How it is followed up (uppföljning), e.g. annual.' })
  followUp!: string | null;

  developmentAreaCodes!: string[];
}
