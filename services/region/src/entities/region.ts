import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The region itself (e.g. Göteborgsregionen, GR). `population`, `members` and `agreements` are
 * resolved in `region.resolver.ts`.
 */
@ObjectType({ simpleResolvers: true, description: 'The region (e.g. Göteborgsregionen) and its member kommuner.' })
@Entity({ name: 'region' })
export class Region {
  @Field(() => ID, { description: 'Short id from the region manifest, e.g. gr.' })
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Field({ description: 'Full name, e.g. Göteborgsregionen.' })
  @Column({ type: 'text' })
  name!: string;

  @Field({ description: 'Abbreviation, e.g. GR.' })
  @Column({ name: 'name_short', type: 'text' })
  nameShort!: string;

  @Field(() => Int, { nullable: true, description: 'The year the members\' population figures refer to.' })
  @Column({ name: 'population_year', type: 'int', nullable: true })
  populationYear!: number | null;
}
