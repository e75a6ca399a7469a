import { Directive, Field, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DecidingBody } from '../graphql/enums';

/** A kommun's membership of an international organisation or network. */
@ObjectType({ simpleResolvers: true, description: "A kommun's membership of an international organisation or network (medlemskap)." })
@Directive('@key(fields: "id")')
@Entity({ name: 'membership' })
@Index(['municipalityCode'])
@Index(['networkId'])
export class Membership {
  @PrimaryGeneratedColumn({ name: 'id' })
  localId!: number;

  @Column({ name: 'municipality_code', type: 'char', length: 4 })
  municipalityCode!: string;

  /** Network id in the region's catalogue, resolved as a Network reference. */
  @Column({ name: 'network_id', type: 'text' })
  networkId!: string;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Member since; null when not recorded.' })
  @Column({ type: 'date', nullable: true })
  since!: string | null;

  @Field(() => DecidingBody, { nullable: true, description: 'The body that decided on the membership.' })
  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: DecidingBody | null;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ name: 'decision_date', type: 'date', nullable: true })
  decisionDate!: string | null;

  @Field(() => [String], { description: "The network's forums or working groups the kommun takes part in." })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  forums!: string[];
}
