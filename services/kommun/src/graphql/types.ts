import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsOptional,
  Matches,
  MaxLength,
  MinLength,
  IsEnum,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { Fund, OrderDirection, ProjectOrderField, ProjectStatus, ChangeKind } from './enums';
import { Project } from '../entities/project';
import { DevelopmentArea, FundingProgramme, JointInitiative, Municipality } from './references';

import { CATALOGUE_CODE, KOMMUNKOD } from '@samverkan/contract';

@ObjectType({ simpleResolvers: true, description: "A project's budget. rate is euCofinancing / total." })
export class Budget {
  @Field(() => Float, { nullable: true, description: 'Total budget; null when not recorded.' })
  total!: number | null;

  @Field(() => Float, { nullable: true, description: 'EU co-financing (EU-medfinansiering).' })
  euCofinancing!: number | null;

  @Field(() => Float, { nullable: true, description: 'euCofinancing / total, between 0 and 1.' })
  rate!: number | null;

  @Field({ description: 'ISO 4217 currency code, SEK or EUR.' })
  currency!: string;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ProjectEdge {
  @Field({ description: 'Opaque keyset cursor; stays valid while projects are added.' })
  cursor!: string;

  @Field(() => Project)
  node!: Project;
}

@ObjectType({ simpleResolvers: true, description: 'A page of projects. totalCount counts every match, not just this page.' })
export class ProjectConnection {
  @Field(() => [ProjectEdge])
  edges!: ProjectEdge[];

  @Field(() => [Project])
  nodes!: Project[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Where this page came from, for the lazily counted totalCount. */
  scopeKey!: string;
  scope!: import('../store/project-query').Scope;
  filter?: ProjectFilter;
}

/** `to` is not before `from`, when both are given (dates as YYYY-MM-DD compare as text). */
function NotBeforeFrom(): PropertyDecorator {
  return ValidateBy({
    name: 'notBeforeFrom',
    validator: {
      validate: (to: unknown, args) => {
        const from = (args?.object as DateRange | undefined)?.from;
        return to == null || from == null || String(from) <= String(to);
      },
      defaultMessage: (args) => `to (${String(args?.value)}) must not be before from (${String((args?.object as DateRange | undefined)?.from)})`,
    },
  });
}

@InputType({ description: 'A period of days, both ends inclusive. Either end may be omitted: the period is then open on that side. from after to is a BAD_USER_INPUT error.' })
export class DateRange {
  @Field(() => LocalDateResolver, { nullable: true, description: 'The first day (inclusive); omitted: no lower bound.' })
  @IsOptional()
  from?: string;

  @Field(() => LocalDateResolver, { nullable: true, description: 'The last day (inclusive); omitted: no upper bound. Not before from.' })
  @IsOptional()
  @NotBeforeFrom()
  to?: string;
}

@InputType({ description: 'Restricts a project list. Every given criterion must hold.' })
export class ProjectFilter {
  @Field(() => [ID], { nullable: true, description: 'kommunkoder' })
  @IsOptional()
  @ArrayMaxSize(400)
  @Matches(KOMMUNKOD, { each: true, message: 'each entry must be a 4-digit kommunkod' })
  municipalities?: string[];

  @Field(() => [ProjectStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: ProjectStatus[];

  @Field(() => [ID], { nullable: true, description: 'Development area codes' })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(CATALOGUE_CODE, { each: true, message: 'each entry must be a catalogue code' })
  developmentAreas?: string[];

  @Field(() => [ID], { nullable: true, description: 'Funding programme codes' })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(CATALOGUE_CODE, { each: true, message: 'each entry must be a catalogue code' })
  programmes?: string[];

  @Field(() => [Fund], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  funds?: Fund[];

  @Field(() => ID, { nullable: true, description: 'Joint initiative id' })
  @IsOptional()
  @Matches(CATALOGUE_CODE, { message: 'must be a catalogue id' })
  initiative?: string;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Projects running on this date.' })
  @IsOptional()
  activeOn?: string;

  @Field(() => DateRange, { nullable: true, description: 'Projects whose startDate lies in the range (both ends inclusive). Since contract 1.3.' })
  @IsOptional()
  @ValidateNested()
  startDate?: DateRange;

  @Field(() => DateRange, { nullable: true, description: 'Projects whose running period overlaps the range: startDate <= to and (endDate is null or endDate >= from), an omitted end of the range leaving its side open. activeOn: d is activeDuring: { from: d, to: d }. Since contract 1.3.' })
  @IsOptional()
  @ValidateNested()
  activeDuring?: DateRange;

  @Field({ nullable: true, description: 'Words to find in title, summary or department.' })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  text?: string;

  @Field({ nullable: true, description: 'true: generated demo volume only; false: recorded facts only.' })
  @IsOptional()
  @IsBoolean()
  synthetic?: boolean;
}

@InputType()
export class ProjectOrder {
  @Field(() => ProjectOrderField)
  @IsEnum(ProjectOrderField)
  field!: ProjectOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
  @IsIn(['ASC', 'DESC'])
  direction!: OrderDirection;
}

@ObjectType({ simpleResolvers: true, description: 'Project figures for one group. Sums skip unrecorded budgets.' })
export class ProjectStatsGroup {
  @Field({ description: 'Stable key of the group, e.g. "MUNICIPALITY=1480|FUND=ESF".' })
  key!: string;

  @Field(() => Municipality, { nullable: true })
  municipality!: Municipality | null;

  @Field(() => DevelopmentArea, { nullable: true })
  developmentArea!: DevelopmentArea | null;

  @Field(() => FundingProgramme, { nullable: true })
  programme!: FundingProgramme | null;

  @Field(() => Fund, { nullable: true })
  fund!: Fund | null;

  @Field(() => ProjectStatus, { nullable: true })
  status!: ProjectStatus | null;

  @Field(() => Int, { nullable: true })
  startYear!: number | null;

  @Field(() => JointInitiative, { nullable: true })
  initiative!: JointInitiative | null;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  budgetTotal!: number;

  @Field(() => Float)
  euCofinancing!: number;

  @Field(() => Float, { description: 'Funding lines in the group (of its programme or fund, when grouped by one).' })
  fundingAmount!: number;
}


@ObjectType({ simpleResolvers: true, description: 'A project was created, updated or deleted.' })
export class ProjectChange {
  @Field(() => ChangeKind)
  kind!: ChangeKind;

  @Field(() => ID)
  projectId!: string;

  @Field(() => Municipality)
  municipality!: Municipality;

  @Field(() => Project, { nullable: true, description: 'The project as it is now; null when deleted.' })
  project?: Project | null;

  @Field()
  at!: Date;

  /** The project's local id, for reading it when `project` is asked for. */
  local!: number;
}

@ObjectType({ simpleResolvers: true, description: 'What an import of projects did, or would do (dryRun): every row created, or none.' })
export class ImportResult {
  @Field({ description: 'true: nothing was written; the rows were checked and every statement ran, then rolled back.' })
  dryRun!: boolean;

  @Field(() => Int, { description: 'Projects created, or that would be on a dry run.' })
  count!: number;

  @Field(() => [Project], { description: 'The projects created, in the order of the rows; empty on a dry run.' })
  projects!: Project[];
}
