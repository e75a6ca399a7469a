import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { KOMMUNKOD } from '@samverkan/contract';
import { Fund } from './enums';

/** Catalogue ids and codes: what the kommun contract accepts as references, too. */
import { CATALOGUE_CODE } from '@samverkan/contract';
export const CATALOGUE_CODE_RULE = 'must be a catalogue code (a letter or digit, then letters, digits, + . _ -; at most 64)';

const catalogueCode = { message: `$property ${CATALOGUE_CODE_RULE}` };
const catalogueCodes = { each: true, message: `each entry of $property ${CATALOGUE_CODE_RULE}` };
const kommunkod = { message: '$property must be a 4-digit SCB kommunkod such as 1480' };
// A name of spaces only would pass MinLength and show as nothing.
const NOT_BLANK = /\S/;
const notBlank = { message: '$property must not be blank' };
const notBlankEach = { each: true, message: 'each entry of $property must not be blank' };

/*
 * Every upsert describes the whole item: it creates the item, or replaces the one with the same
 * code or id. Optional fields left out are cleared, so the input alone says what is stored.
 */

@InputType({ description: 'A member kommun: adds it to the registry or replaces its entry. Omitted optional fields are cleared.' })
export class MemberInput {
  @Field(() => ID, { description: 'SCB kommunkod (4 digits).' })
  @Matches(KOMMUNKOD, kommunkod)
  code!: string;

  @Field()
  @MaxLength(100)
  @Matches(NOT_BLANK, notBlank)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  @Matches(NOT_BLANK, notBlank)
  officialName?: string | null;

  @Field({ description: 'The county (län).' })
  @MaxLength(100)
  @Matches(NOT_BLANK, notBlank)
  county!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(20_000_000)
  population?: number | null;

  @Field(() => String, { nullable: true, description: "http(s) URL of the kommun's subgraph." })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: '$property must be an http or https URL' })
  subgraphUrl?: string | null;
}

@InputType({ description: 'A development area: creates it or replaces the one with this code. Omitted optional fields are cleared.' })
export class DevelopmentAreaInput {
  @Field(() => ID)
  @Matches(CATALOGUE_CODE, catalogueCode)
  code!: string;

  @Field({ description: 'Name in Swedish.' })
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Name in English.' })
  @IsOptional()
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  nameEn?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1)
  @Max(1000)
  order?: number | null;

  @Field(() => ID, { nullable: true, description: 'Id of the agreement the area belongs to; the agreement lists it too.' })
  @IsOptional()
  @Matches(CATALOGUE_CODE, catalogueCode)
  agreement?: string | null;
}

@InputType({ description: 'A network: creates it or replaces the one with this id. Omitted optional fields are cleared.' })
export class NetworkInput {
  @Field(() => ID)
  @Matches(CATALOGUE_CODE, catalogueCode)
  id!: string;

  @Field()
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  name!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1000)
  @Max(2100)
  founded?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(1_000_000)
  memberCount?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(300)
  countries?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique({ message: '$property must not list an entry twice' })
  @MaxLength(200, { each: true })
  @Matches(NOT_BLANK, notBlankEach)
  forums?: string[] | null;
}

@InputType({ description: 'A funding programme: creates it or replaces the one with this code. Omitted optional fields are cleared.' })
export class FundingProgrammeInput {
  @Field(() => ID)
  @Matches(CATALOGUE_CODE, catalogueCode)
  code!: string;

  @Field()
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  name!: string;

  @Field(() => Fund)
  fund!: Fund;

  @Field(() => String, { nullable: true, description: 'A year or a span of years, e.g. 2021-2027.' })
  @IsOptional()
  @Matches(/^\d{4}(-\d{4})?$/, { message: '$property must be a year or a span of years such as 2021-2027' })
  period?: string | null;
}

@InputType({ description: 'A joint initiative: creates it or replaces the one with this id. Omitted optional fields are cleared.' })
export class JointInitiativeInput {
  @Field(() => ID)
  @Matches(CATALOGUE_CODE, catalogueCode)
  id!: string;

  @Field()
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => Int, { nullable: true, description: 'Year it started.' })
  @IsOptional()
  @Min(1900)
  @Max(2100)
  started?: number | null;

  @Field(() => ID, { nullable: true, description: 'Code of its funding programme.' })
  @IsOptional()
  @Matches(CATALOGUE_CODE, catalogueCode)
  programme?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Codes of the development areas it serves.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique({ message: '$property must not list an entry twice' })
  @Matches(CATALOGUE_CODE, catalogueCodes)
  developmentAreas?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(300)
  @Matches(NOT_BLANK, notBlank)
  lead?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ArrayUnique({ message: '$property must not list an entry twice' })
  @MaxLength(300, { each: true })
  @Matches(NOT_BLANK, notBlankEach)
  partners?: string[] | null;
}
