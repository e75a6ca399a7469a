import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An agreement (överenskommelse) of the region, e.g. GR's and Göteborg's 2014 agreement on EU
 * cooperation. `developmentAreas` is resolved from `developmentAreaCodes`, in the agreement's order.
 */
@ObjectType({ simpleResolvers: true, description: 'An agreement (överenskommelse) of the region, e.g. on EU cooperation.' })
@Entity({ name: 'agreement' })
export class Agreement {
  @Field(() => ID)
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field(() => [String], { description: 'The parties, as named in the agreement.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  parties!: string[];

  @Field(() => String, { nullable: true, description: 'When it was decided (beslutad), e.g. 2014-11.' })
  @Column({ type: 'text', nullable: true })
  decided!: string | null;

  @Field(() => String, { nullable: true, description: 'When it was signed (undertecknad), e.g. 2015-01.' })
  @Column({ type: 'text', nullable: true })
  signed!: string | null;

  @Field(() => String, { nullable: true, description: 'How it is followed up (uppföljning), e.g. annual.' })
  @Column({ name: 'follow_up', type: 'text', nullable: true })
  followUp!: string | null;

  @Column({ name: 'development_areas', type: 'text', array: true, default: () => "'{}'" })
  developmentAreaCodes!: string[];
}
