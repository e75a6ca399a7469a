import { Field, Int, ObjectType } from 'type-graphql';

/** vänort: a twin town of the kommun. */
@ObjectType({ simpleResolvers: true, description: 'A twin town (vänort) of the kommun.' })
export class TwinTown {
  localId!: number;

  municipalityCode!: string;

  @Field()
  city!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  country!: string;

  @Field(() => Int, { nullable: true, description: 'Year the twinning began.' })
  since!: number | null;

  @Field(() => [String], { description: 'What the cooperation focuses on.' })
  focus!: string[];
}
