import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** An international organisation or network in the region's catalogue (nätverk). */
@ObjectType({ simpleResolvers: true, description: 'An international organisation or network, e.g. Eurocities.' })
@Directive('@key(fields: "id")')
export class Network {
  @Field(() => ID, { description: 'Catalogue id, e.g. eurocities.' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Year founded.' })
  founded!: number | null;

  @Field(() => Int, { nullable: true, description: 'Members in all, across Europe (not only ours).' })
  memberCount!: number | null;

  @Field(() => Int, { nullable: true, description: 'Countries its members come from.' })
  countries!: number | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String], { description: 'Its forums or working groups.' })
  forums!: string[];
}
