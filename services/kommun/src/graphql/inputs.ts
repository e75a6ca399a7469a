import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { LocalDate } from '@samverkan/subgraph-kit/scalars';
import {
  ArrayMaxSize,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DecidingBody, Fund, PartnerRole, PartnerType, ProjectStatus } from './enums';
import { CATALOGUE_CODE, KOMMUNKOD } from '@samverkan/contract';

const MAX_AMOUNT = 1e12;
const kommunkod = { message: '$property must be a 4-digit SCB kommunkod such as 1480' };
const catalogueCode = { message: '$property must be a catalogue code (letters, digits, + . _ -; at most 64)' };

@InputType()
export class BudgetInput {
  @Field(() => Float, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(MAX_AMOUNT)
  total?: number | null;

  @Field(() => Float, { nullable: true, description: 'EU co-financing; at most the total.' })
  @IsOptional()
  @Min(0)
  @Max(MAX_AMOUNT)
  euCofinancing?: number | null;

  @Field(() => String, { nullable: true, description: 'SEK or EUR. SEK when a project is created without one; unchanged when an update omits it.' })
  @IsOptional()
  @IsIn(['SEK', 'EUR'], { message: 'currency must be SEK or EUR' })
  currency?: string | null;
}

@InputType()
export class FundingInput {
  @Field(() => ID, { description: "Programme code from the region's catalogue, e.g. ESFPLUS-2021-2027." })
  @Matches(CATALOGUE_CODE, catalogueCode)
  programme!: string;

  @Field(() => Fund, { nullable: true, description: "Taken from the catalogue when omitted; required for a programme the catalogue does not know." })
  @IsOptional()
  fund?: Fund;

  @Field(() => Float)
  @Min(0)
  @Max(MAX_AMOUNT)
  amount!: number;
}

@InputType()
export class PartnerInput {
  @Field()
  @MinLength(1)
  @MaxLength(300)
  name!: string;

  @Field({ description: 'ISO 3166-1 alpha-2, e.g. SE.' })
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as SE or IT' })
  country!: string;

  @Field(() => PartnerType)
  type!: PartnerType;

  @Field(() => PartnerRole)
  role!: PartnerRole;

  @Field(() => ID, { nullable: true, description: 'kommunkod, when the partner is a Swedish kommun.' })
  @IsOptional()
  @Matches(KOMMUNKOD, kommunkod)
  municipality?: string | null;
}

/**
 * Fields a project may have, optional when it is created and when it is changed. What a project
 * must have (title, status, startDate) is required by the create input's type and optional in the
 * update input's: the schema says which, and no code checks it by hand.
 */
@InputType()
abstract class ProjectOptionalFields {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  summary?: string | null;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  endDate?: string | null;

  @Field(() => BudgetInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  budget?: BudgetInput | null;

  @Field(() => [FundingInput], { nullable: true, description: 'Replaces every funding line.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  funding?: FundingInput[] | null;

  @Field(() => [PartnerInput], { nullable: true, description: 'Replaces every partner.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  partners?: PartnerInput[] | null;

  @Field(() => [ID], { nullable: true, description: 'Development area codes; replaces the list.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(CATALOGUE_CODE, { each: true, ...catalogueCode })
  developmentAreas?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Joint initiative id.' })
  @IsOptional()
  @Matches(CATALOGUE_CODE, catalogueCode)
  initiative?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  department?: string | null;
}

@InputType({
  description:
    'A new project; title, status, startDate and municipality are required (since contract 2.0 by their types). A project with an empty title, an end before its start, or more EU co-financing than its total: BAD_USER_INPUT, and nothing is written (writes.bad-input).',
})
export class ProjectInput extends ProjectOptionalFields {
  @Field()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @Field(() => ProjectStatus)
  status!: ProjectStatus;

  @Field(() => LocalDate)
  startDate!: string;

  @Field(() => ID, { description: 'kommunkod of the owning kommun.' })
  @Matches(KOMMUNKOD, kommunkod)
  municipality!: string;
}

@InputType({ description: 'Changes to a project; omitted fields stay as they are, null clears (title, status and startDate cannot be cleared).' })
export class ProjectUpdateInput extends ProjectOptionalFields {
  @Field({ nullable: true })
  @IsOptional()
  @MinLength(1)
  @MaxLength(300)
  title?: string;

  @Field(() => ProjectStatus, { nullable: true })
  @IsOptional()
  status?: ProjectStatus;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  startDate?: string;
}

/** A membership's fields but its network, optional on create and on update. */
@InputType()
abstract class MembershipOptionalFields {
  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  since?: string | null;

  @Field(() => DecidingBody, { nullable: true })
  @IsOptional()
  decidedBy?: DecidingBody | null;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  decisionDate?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  forums?: string[];
}

const networkDescription = "Network id from the region's catalogue, e.g. eurocities.";

@InputType({ description: 'A new membership; network and municipality are required.' })
export class MembershipInput extends MembershipOptionalFields {
  @Field(() => ID, { description: networkDescription })
  @Matches(CATALOGUE_CODE, catalogueCode)
  network!: string;

  @Field(() => ID)
  @Matches(KOMMUNKOD, kommunkod)
  municipality!: string;
}

@InputType({ description: 'Changes to a membership; omitted fields stay as they are, null clears (network cannot be cleared).' })
export class MembershipUpdateInput extends MembershipOptionalFields {
  @Field(() => ID, { nullable: true, description: networkDescription })
  @IsOptional()
  @Matches(CATALOGUE_CODE, catalogueCode)
  network?: string;
}

/** A twin town's fields but its city and country, optional on create and on update. */
@InputType()
abstract class TwinTownOptionalFields {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1900)
  @Max(2100)
  since?: number | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  focus?: string[];
}

const countryCode = { message: 'country must be an ISO 3166-1 alpha-2 code such as FI' };

@InputType({ description: 'A new twin town (vänort); city, country and municipality are required.' })
export class TwinTownInput extends TwinTownOptionalFields {
  @Field()
  @MinLength(1)
  @MaxLength(200)
  city!: string;

  @Field()
  @IsISO31661Alpha2(countryCode)
  country!: string;

  @Field(() => ID)
  @Matches(KOMMUNKOD, kommunkod)
  municipality!: string;
}

@InputType({ description: 'Changes to a twin town; omitted fields stay as they are, null clears (city and country cannot be cleared).' })
export class TwinTownUpdateInput extends TwinTownOptionalFields {
  @Field({ nullable: true })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  city?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsISO31661Alpha2(countryCode)
  country?: string;
}

@InputType({ description: "The kommun's international strategy; replaces the current one." })
export class StrategyInput {
  @Field()
  @MinLength(1)
  @MaxLength(300)
  title!: string;

  @Field(() => DecidingBody)
  adoptedBy!: DecidingBody;

  @Field(() => LocalDate, { nullable: true })
  @IsOptional()
  adoptedOn?: string | null;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(50)
  @MinLength(1, { each: true })
  @MaxLength(500, { each: true })
  priorities!: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10000)
  summary?: string | null;
}
