import { Field, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { DecidingBody } from '../graphql/enums';

/** The kommun's international strategy or policy; one per kommun. */
@ObjectType({ simpleResolvers: true, description: "The kommun's adopted international strategy or policy (internationell strategi)." })
@Entity({ name: 'strategy' })
export class Strategy {
  @PrimaryColumn({ name: 'municipality_code', type: 'char', length: 4 })
  municipalityCode!: string;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field(() => DecidingBody, { description: 'The body that adopted it.' })
  @Column({ name: 'adopted_by', type: 'text' })
  adoptedBy!: DecidingBody;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ name: 'adopted_on', type: 'date', nullable: true })
  adoptedOn!: string | null;

  @Field(() => [String], { description: 'Its priority areas, in order.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  priorities!: string[];

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
