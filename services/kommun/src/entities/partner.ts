import { Field, ObjectType } from 'type-graphql';
import { PartnerRole, PartnerType } from '../graphql/enums';

/** An organisation taking part in a project. */
@ObjectType({ simpleResolvers: true, description: 'An organisation taking part in a project. A Swedish kommun partner links to its Municipality.' })
export class Partner {
  id!: number;

  projectId!: number;

  @Field()
  name!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. SE, IT.' })
  country!: string;

  @Field(() => PartnerType)
  type!: PartnerType;

  @Field(() => PartnerRole)
  role!: PartnerRole;

  /** kommunkod when the partner is a Swedish kommun; resolved as a Municipality reference. */
  municipalityCode!: string | null;
}
