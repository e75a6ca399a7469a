import { Field, Float, ObjectType } from 'type-graphql';
import { Fund } from '../graphql/enums';

/** One funding line of a project: how much a programme contributes. */
@ObjectType({ simpleResolvers: true, description: 'How much one funding programme contributes to a project.' })
export class Funding {
  id!: number;

  projectId!: number;

  /** Resolved as a `FundingProgramme` reference by the resolver. */
  programmeCode!: string;

  @Field(() => Fund)
  fund!: Fund;

  @Field(() => Float)
  amount!: number;
}
