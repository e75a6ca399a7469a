import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Fund } from '../graphql/enums';

/** A funding programme (fondprogram), e.g. ESF+ 2021-2027, and the fund it belongs to. */
@ObjectType({ simpleResolvers: true, description: 'A funding programme, e.g. ESF+ 2021-2027.' })
@Directive('@key(fields: "code")')
@Entity({ name: 'funding_programme' })
export class FundingProgramme {
  @Field(() => ID, { description: 'Catalogue code, e.g. ESFPLUS-2021-2027.' })
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => Fund)
  @Column({ type: 'text' })
  fund!: Fund;

  @Field(() => String, { nullable: true, description: 'Programme period, e.g. 2021-2027.' })
  @Column({ type: 'text', nullable: true })
  period!: string | null;
}
