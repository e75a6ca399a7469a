import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * A joint initiative (gemensam satsning) of the region, e.g. EU-handslag. `programme` and
 * `developmentAreas` are resolved from the stored codes; the kommun contract adds its projects
 * and participants.
 */
@ObjectType({ simpleResolvers: true, description: 'A joint initiative of the region; its participants are derived from its projects.' })
@Directive('@key(fields: "id")')
export class JointInitiative {
  @Field(() => ID, { description: 'Catalogue id, e.g. eu-handslag.' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true, description: 'Year it started.' })
  started!: number | null;

  programmeCode!: string | null;

  developmentAreaCodes!: string[];

  @Field(() => String, { nullable: true, description: 'Who leads it, as named in the catalogue.' })
  lead!: string | null;

  @Field(() => [String], { description: 'Partners outside the region, as named in the catalogue.' })
  partners!: string[];
}
