import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** A development area (utvecklingsområde); `agreement` is resolved from `agreementId`. */
@ObjectType({ simpleResolvers: true, description: 'A development area (utvecklingsområde) of the region.' })
@Directive('@key(fields: "code")')
export class DevelopmentArea {
  @Field(() => ID, { description: 'Catalogue code, e.g. EU-FUNDS.' })
  code!: string;

  @Field({ description: 'Name in Swedish.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Name in English.' })
  nameEn!: string | null;

  @Field(() => Int, { nullable: true, description: 'Position in its agreement or catalogue.' })
  order!: number | null;

  agreementId!: string | null;
}
