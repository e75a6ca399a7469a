import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A joint initiative (gemensam satsning) of the region, e.g. EU-handslag. `programme` and
 * `developmentAreas` are resolved from the stored codes; the kommun contract adds its projects
 * and participants.
 */
@ObjectType({ simpleResolvers: true, description: 'A joint initiative of the region; its participants are derived from its projects.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'joint_initiative' })
export class JointInitiative {
  @Field(() => ID, { description: 'Catalogue id, e.g. eu-handslag.' })
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true, description: 'Year it started.' })
  @Column({ type: 'int', nullable: true })
  started!: number | null;

  @Column({ name: 'programme_code', type: 'text', nullable: true })
  programmeCode!: string | null;

  @Column({ name: 'development_areas', type: 'text', array: true, default: () => "'{}'" })
  developmentAreaCodes!: string[];

  @Field(() => String, { nullable: true, description: 'Who leads it, as named in the catalogue.' })
  @Column({ type: 'text', nullable: true })
  lead!: string | null;

  @Field(() => [String], { description: 'Partners outside the region, as named in the catalogue.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  partners!: string[];
}
