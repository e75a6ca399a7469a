import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** vänort: a twin town of the kommun. */
@ObjectType({ simpleResolvers: true, description: 'A twin town (vänort) of the kommun.' })
@Entity({ name: 'twin_town' })
@Index(['municipalityCode'])
export class TwinTown {
  @PrimaryGeneratedColumn({ name: 'id' })
  localId!: number;

  @Column({ name: 'municipality_code', type: 'char', length: 4 })
  municipalityCode!: string;

  @Field()
  @Column({ type: 'text' })
  city!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Field(() => Int, { nullable: true, description: 'Year the twinning began.' })
  @Column({ type: 'int', nullable: true })
  since!: number | null;

  @Field(() => [String], { description: 'What the cooperation focuses on.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  focus!: string[];
}
