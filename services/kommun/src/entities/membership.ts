import { Directive, Field, ObjectType } from 'type-graphql';
import { LocalDate } from '@samverkan/subgraph-kit/scalars';
import { DecidingBody } from '../graphql/enums';

/** A kommun's membership of an international organisation or network. */
@ObjectType({ simpleResolvers: true, description: "A kommun's membership of an international organisation or network (medlemskap)." })
@Directive('@key(fields: "id")')
export class Membership {
  localId!: number;

  municipalityCode!: string;

  /** Network id in the region's catalogue, resolved as a Network reference. */
  networkId!: string;

  @Field(() => LocalDate, { nullable: true, description: 'Member since; null when not recorded.' })
  since!: string | null;

  @Field(() => DecidingBody, { nullable: true, description: 'The body that decided on the membership.' })
  decidedBy!: DecidingBody | null;

  @Field(() => LocalDate, { nullable: true })
  decisionDate!: string | null;

  @Field(() => [String], { description: "The network's forums or working groups the kommun takes part in." })
  forums!: string[];
}
