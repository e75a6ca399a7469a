import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Fund } from '../graphql/enums';

/** A funding programme (fondprogram), e.g. ESF+ 2021-2027, and the fund it belongs to. */
@ObjectType({ simpleResolvers: true, description: 'A funding programme, e.g. ESF+ 2021-2027.' })
@Directive('@key(fields: "code")')
export class FundingProgramme {
  @Field(() => ID, { description: 'Catalogue code, e.g. ESFPLUS-2021-2027.' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => Fund)
  fund!: Fund;

  @Field(() => String, { nullable: true, description: 'Programme period, e.g. 2021-2027.' })
  period!: string | null;
}
