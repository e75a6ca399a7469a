import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import { formatId, parseId } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import type { KommunContext } from '../context';
import { Funding } from '../entities/funding';
import { Partner } from '../entities/partner';
import { Project } from '../entities/project';
import { ProjectDimension } from '../graphql/enums';
import { ProjectInput, ProjectUpdateInput } from '../graphql/inputs';
import { DevelopmentArea, FundingProgramme, JointInitiative, Municipality } from '../graphql/references';
import { Budget, ImportResult, ProjectConnection, ProjectFilter, ProjectStatsGroup } from '../graphql/types';
import { projectStats } from '../store/stats-query';
import * as writes from '../store/writes';
import { ProjectPageArgs, projectPage } from './connection';

/** Looks a project up by its global id; null when it is not one of this instance's. */
export async function projectByGlobalId(ctx: KommunContext, id: string): Promise<Project | null> {
  const parsed = parseId(id, 'project');
  if (!parsed || !ctx.codes.has(parsed.code)) return null;
  const p = await ctx.loaders.projectById.load(parsed.local);
  return p && p.municipalityCode === parsed.code ? p : null;
}

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => Project, { nullable: true, description: "A project by its id (<kommunkod>:project:<n>); a kommun's subgraph answers null for another kommun's id, as _entities does (entities.own-and-foreign). An id not of that form: BAD_USER_INPUT (errors.malformed-project-id)." })
  project(@Arg('id', () => ID) id: string, @Ctx() ctx: KommunContext): Promise<Project | null> {
    if (!parseId(id, 'project')) throw badInput('id', `${JSON.stringify(id.slice(0, 80))} is not a project id (expected <kommunkod>:project:<number>)`);
    return projectByGlobalId(ctx, id);
  }

  @Query(() => ProjectConnection, { description:
      'Projects, filtered, ordered and paged by keyset cursors. Bad input answers a GraphQL error whose message says what was wrong, extensions.code BAD_USER_INPUT, no data for the field, and changes nothing.',
  })
  projects(@Args(() => ProjectPageArgs) args: ProjectPageArgs, @Ctx() ctx: KommunContext, @Info() info: GraphQLResolveInfo): Promise<ProjectConnection> {
    return projectPage(ctx, 'root', '*', args, info);
  }

  @FieldResolver(() => ID, {
    description: "<kommunkod>:project:<n>, n a positive integer and the kommunkod the owning kommun's: the gateway routes writes and entity fetches by it (ids.kommunkod).",
  })
  id(@Root() p: Project): string {
    return formatId(p.municipalityCode, 'project', p.localId);
  }

  @FieldResolver(() => Budget)
  budget(@Root() p: Project): Budget {
    const rate = p.budgetTotal && p.euCofinancing != null ? Math.round((p.euCofinancing / p.budgetTotal) * 10000) / 10000 : null;
    return { total: p.budgetTotal, euCofinancing: p.euCofinancing, rate, currency: p.currency };
  }

  @FieldResolver(() => Municipality)
  municipality(@Root() p: Project): Municipality {
    return { code: p.municipalityCode };
  }

  @FieldResolver(() => [Funding])
  funding(@Root() p: Project, @Ctx() ctx: KommunContext): Promise<Funding[]> {
    return ctx.loaders.fundingByProject.load(p.localId);
  }

  @FieldResolver(() => [Partner])
  partners(@Root() p: Project, @Ctx() ctx: KommunContext): Promise<Partner[]> {
    return ctx.loaders.partnersByProject.load(p.localId);
  }

  @FieldResolver(() => [DevelopmentArea], { description: 'The development areas the project serves.' })
  async developmentAreas(@Root() p: Project, @Ctx() ctx: KommunContext): Promise<DevelopmentArea[]> {
    return (await ctx.loaders.areasByProject.load(p.localId)).map((a) => ({ code: a.areaCode }));
  }

  @FieldResolver(() => JointInitiative, { nullable: true })
  initiative(@Root() p: Project): JointInitiative | null {
    return p.initiativeId ? { id: p.initiativeId } : null;
  }

  @Mutation(() => Project, { description:
      "Creates a project and answers it as given, with an id of the kommun; project(id) reads the same (writes.create-read). Needs an editor's token for input.municipality: none is UNAUTHENTICATED, another kommun's or role's FORBIDDEN (writes.need-token).",
  })
  createProject(@Arg('input', () => ProjectInput) input: ProjectInput, @Ctx() ctx: KommunContext): Promise<Project> {
    return writes.createProject(ctx, input);
  }

  @Mutation(() => Project, { description: "Changes what input gives and keeps the rest; lists given replace the old ones (writes.update). Needs an editor's token of the project's kommun." })
  updateProject(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => ProjectUpdateInput) input: ProjectUpdateInput,
    @Ctx() ctx: KommunContext,
  ): Promise<Project> {
    return writes.updateProject(ctx, id, input);
  }

  @Mutation(() => ImportResult, {
    description: `Creates many projects of one kommun (an import from a spreadsheet) in one transaction: every row, or, when any row is wrong, none, with every wrong field named by its row (input[17].startDate). At most ${writes.IMPORT_MAX_ROWS} rows. Needs an editor's token for municipality; every row's municipality must be it.`,
  })
  importProjects(
    @Arg('municipality', () => ID, { description: 'kommunkod of the kommun the projects are for.' }) municipality: string,
    // Validated row by row in importProjects, so that each problem names its row.
    @Arg('input', () => [ProjectInput], { validate: false }) input: ProjectInput[],
    @Ctx() ctx: KommunContext,
    @Arg('dryRun', { nullable: true, defaultValue: false, description: 'Check every row and run the import, then roll it back: nothing is written.' }) dryRun: boolean,
  ): Promise<ImportResult> {
    return writes.importProjects(ctx, municipality, input, dryRun);
  }

  @Mutation(() => ID, { description: 'Deletes a project and answers its id; it is gone, and deleting it again is an error (writes.delete).' })
  deleteProject(@Arg('id', () => ID) id: string, @Ctx() ctx: KommunContext): Promise<string> {
    return writes.deleteProject(ctx, id);
  }
}

@Resolver(() => ProjectStatsGroup)
export class ProjectStatsResolver {
  @Query(() => [ProjectStatsGroup], { description:
      'Project counts and budget sums per group of the projects the filter keeps. Without groupBy: one group, key "", whose count is the filtered list\'s length and whose budgetTotal, euCofinancing and fundingAmount are the sums over that list, an unrecorded amount adding nothing (stats.sum-matches-list). Grouped by several dimensions: keys joined by | in the order asked, ordered by the first dimension, then the next (stats.groups.multi).',
  })
  async projectStats(
    @Ctx() ctx: KommunContext,
    @Arg('filter', () => ProjectFilter, { nullable: true }) filter?: ProjectFilter,
    @Arg('groupBy', () => [ProjectDimension], { nullable: true }) groupBy?: ProjectDimension[],
  ): Promise<ProjectStatsGroup[]> {
    return projectStats(ctx.db, filter, groupBy ?? []);
  }
}

@Resolver(() => Funding)
export class FundingResolver {
  @FieldResolver(() => FundingProgramme)
  programme(@Root() f: Funding): FundingProgramme {
    return { code: f.programmeCode };
  }
}

@Resolver(() => Partner)
export class PartnerResolver {
  @FieldResolver(() => Municipality, { nullable: true, description: 'The kommun, when the partner is a Swedish kommun.' })
  municipality(@Root() p: Partner): Municipality | null {
    return p.municipalityCode ? { code: p.municipalityCode } : null;
  }
}
