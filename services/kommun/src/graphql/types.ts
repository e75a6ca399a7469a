import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { LocalDate } from '@samverkan/subgraph-kit/scalars';
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
  @Field({
    description:
      "The position of this edge's project, opaque to clients but not to the gateway, which decodes every kommun's cursors to merge their pages: base64url of the JSON array [field, direction, value, kommunkod, n], value the project's sort value (an unrecorded amount as 0; for ID the kommunkod) (cursor.format).",
  })
  cursor!: string;

  @Field(() => Project)
  node!: Project;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of projects: at most first edges; nodes are the edges' nodes; pageInfo.endCursor is the last edge's cursor (null on an empty page) and hasNextPage is false on the last page only (paging.page-info). totalCount counts every match, not just this page.",
})
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

@InputType({ description: 'A period of days, both ends inclusive. Either end may be omitted: the period is then open on that side. from after to is a BAD_USER_INPUT error naming the field, in lists and projectStats alike (errors.reversed-date-range).' })
export class DateRange {
  @Field(() => LocalDate, { nullable: true, description: 'The first day (inclusive); omitted: no lower bound.' })
  @IsOptional()
  from?: string;

  @Field(() => LocalDate, { nullable: true, description: 'The last day (inclusive); omitted: no upper bound. Not before from.' })
  @IsOptional()
  @NotBeforeFrom()
  to?: string;
}

@InputType({
  description:
    'Restricts a project list. Every given criterion must hold (AND); within a list criterion, any value (OR). A filtered list is the unfiltered list with the non-matching projects left out, in the same order (filter.combined).',
})
export class ProjectFilter {
  @Field(() => [ID], { nullable: true, description: "kommunkoder: the project's kommunkod is one of them; another kommun's code matches nothing here (filter.municipalities)." })
  @IsOptional()
  @ArrayMaxSize(400)
  @Matches(KOMMUNKOD, { each: true, message: 'each entry must be a 4-digit kommunkod' })
  municipalities?: string[];

  @Field(() => [ProjectStatus], { nullable: true, description: 'The status is one of them (filter.status).' })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: ProjectStatus[];

  @Field(() => [ID], { nullable: true, description: 'Development area codes: the project serves at least one of them (filter.developmentAreas).' })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(CATALOGUE_CODE, { each: true, message: 'each entry must be a catalogue code' })
  developmentAreas?: string[];

  @Field(() => [ID], { nullable: true, description: 'Funding programme codes: at least one funding line is of one of them (filter.programmes).' })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(CATALOGUE_CODE, { each: true, message: 'each entry must be a catalogue code' })
  programmes?: string[];

  @Field(() => [Fund], { nullable: true, description: 'At least one funding line is of one of these funds (filter.funds).' })
  @IsOptional()
  @ArrayMaxSize(20)
  funds?: Fund[];

  @Field(() => ID, { nullable: true, description: 'Joint initiative id: the project belongs to it (filter.initiative).' })
  @IsOptional()
  @Matches(CATALOGUE_CODE, { message: 'must be a catalogue id' })
  initiative?: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Projects running on this date d: startDate <= d and (endDate is null or endDate >= d); both ends inclusive, an open end runs on (filter.activeOn).',
  })
  @IsOptional()
  activeOn?: string;

  @Field(() => DateRange, { nullable: true, description: 'Projects whose startDate lies in the range, both ends inclusive; a project without a start date never matches. Since contract 1.3 (filter.startDate).' })
  @IsOptional()
  @ValidateNested()
  startDate?: DateRange;

  @Field(() => DateRange, { nullable: true, description: 'Projects whose running period overlaps the range: startDate <= to and (endDate is null or endDate >= from), an omitted end of the range leaving its side open. nulls as in activeOn, so activeOn: d is activeDuring: { from: d, to: d }; a project without a start date never matches. Since contract 1.3 (filter.activeDuring).' })
  @IsOptional()
  @ValidateNested()
  activeDuring?: DateRange;

  @Field({
    nullable: true,
    description:
      'Words to find: every word occurs, in any case, as a whole word in the title, summary or department (words are runs of letters and digits; a hyphenated word\'s parts count as words). An implementation may also understand web-search syntax ("a phrase", or, -word) (filter.text).',
  })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  text?: string;

  @Field({ nullable: true, description: 'true: generated demo volume only; false: recorded facts only (filter.synthetic).' })
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

@ObjectType({ simpleResolvers: true, description: 'Project figures for one group. Sums skip unrecorded amounts.' })
export class ProjectStatsGroup {
  @Field({ description: 'Stable key of the group: "<DIMENSION>=<value>" per dimension, joined by | in the order asked, e.g. "MUNICIPALITY=1480|FUND=ESF"; the empty value for a project without one ("FUND="); "" without groupBy.' })
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

  @Field(() => Project, { nullable: true, description: 'The project as it is now; null once deleted (writes.event).' })
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
