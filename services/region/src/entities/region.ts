import { Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * The region itself (e.g. Göteborgsregionen, GR). `population`, `members` and `agreements` are
 * resolved in `region.resolver.ts`.
 */
@ObjectType({ simpleResolvers: true, description: 'The region (e.g. Göteborgsregionen) and its member kommuner.' })
export class Region {
  @Field(() => ID, { description: 'Short id from the region manifest, e.g. gr.' })
  id!: string;

  @Field({ description: 'Full name, e.g. Göteborgsregionen.' })
  name!: string;

  @Field({ description: 'Abbreviation, e.g. GR.' })
  nameShort!: string;

  @Field(() => Int, { nullable: true, description: 'The year the members\' population figures refer to.' })
  populationYear!: number | null;
}
