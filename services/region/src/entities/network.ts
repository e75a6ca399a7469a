import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An international organisation or network in the region's catalogue (nätverk). */
@ObjectType({ simpleResolvers: true, description: 'An international organisation or network, e.g. Eurocities.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'network' })
export class Network {
  @Field(() => ID, { description: 'Catalogue id, e.g. eurocities.' })
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Year founded.' })
  @Column({ type: 'int', nullable: true })
  founded!: number | null;

  @Field(() => Int, { nullable: true, description: 'Members in all, across Europe (not only ours).' })
  @Column({ name: 'member_count', type: 'int', nullable: true })
  memberCount!: number | null;

  @Field(() => Int, { nullable: true, description: 'Countries its members come from.' })
  @Column({ type: 'int', nullable: true })
  countries!: number | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => [String], { description: 'Its forums or working groups.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  forums!: string[];
}
