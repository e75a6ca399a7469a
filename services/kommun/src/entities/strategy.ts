import { Field, ObjectType } from 'type-graphql';
import { LocalDate } from '@samverkan/subgraph-kit/scalars';
import { DecidingBody } from '../graphql/enums';

/** The kommun's international strategy or policy; one per kommun. */
@ObjectType({ simpleResolvers: true, description: "The kommun's adopted international strategy or policy (internationell strategi)." })
export class Strategy {
  municipalityCode!: string;

  @Field()
  title!: string;

  @Field(() => DecidingBody, { description: 'The body that adopted it.' })
  adoptedBy!: DecidingBody;

  @Field(() => LocalDate, { nullable: true })
  adoptedOn!: string | null;

  @Field(() => [String], { description: 'Its priority areas, in order.' })
  priorities!: string[];

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field()
  updatedAt!: Date;
}
