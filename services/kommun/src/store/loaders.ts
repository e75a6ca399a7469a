import DataLoader from 'dataloader';
import type { Funding } from '../entities/funding';
import type { Membership } from '../entities/membership';
import type { Partner } from '../entities/partner';
import type { Project } from '../entities/project';
import type { Strategy } from '../entities/strategy';
import type { TwinTown } from '../entities/twin-town';
import type { ProjectFilter } from '../graphql/types';
import { countMatches, loadPages, loadProjectsById, type NormalizedPage, type Page, type Queryable, type Scope } from './project-query';

export interface PageRequest {
  scope: Scope;
  key: string;
  filter?: ProjectFilter;
  page: NormalizedPage;
}

export interface CountRequest {
  scope: Scope;
  key: string;
  filter?: ProjectFilter;
}

/** Groups requests that differ only in their parent key, so each group is one statement. */
function groupByArgs<T extends { scope: Scope; key: string }>(requests: readonly T[], argsOf: (r: T) => unknown) {
  const groups = new Map<string, { sample: T; keys: Set<string> }>();
  for (const r of requests) {
    const id = JSON.stringify([r.scope, argsOf(r)]);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { sample: r, keys: new Set() }));
    g.keys.add(r.key);
  }
  return groups;
}

function byKey<K, V>(rows: V[], keyOf: (v: V) => K): Map<K, V[]> {
  const m = new Map<K, V[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = m.get(k);
    if (list) list.push(row);
    else m.set(k, [row]);
  }
  return m;
}

/**
 * One set of DataLoaders per request (and per subscription event): every relation is fetched
 * with one statement per level, however many parents ask for it.
 */
export function createLoaders(db: Queryable) {
  const listBy = <K extends string | number, V>(sql: string, cast: string, keyOf: (v: V) => K) =>
    new DataLoader<K, V[]>(async (keys) => {
      const rows: V[] = await db.query(sql.replace('$KEYS', `$1::${cast}[]`), [keys]);
      const grouped = byKey(rows, keyOf);
      return keys.map((k) => grouped.get(k) ?? []);
    });

  return {
    projectById: new DataLoader<number, Project | null>(async (ids) => {
      const found = await loadProjectsById(db, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    fundingByProject: listBy<number, Funding>(
      `SELECT id, project_id AS "projectId", programme_code AS "programmeCode", fund, amount::float8 AS amount
       FROM funding WHERE project_id = ANY($KEYS) ORDER BY project_id, id`,
      'int',
      (f) => f.projectId,
    ),
    partnersByProject: listBy<number, Partner>(
      `SELECT id, project_id AS "projectId", name, country, type, role, municipality_code AS "municipalityCode"
       FROM partner WHERE project_id = ANY($KEYS) ORDER BY project_id, id`,
      'int',
      (p) => p.projectId,
    ),
    areasByProject: listBy<number, { projectId: number; areaCode: string }>(
      `SELECT project_id AS "projectId", area_code AS "areaCode" FROM project_area
       WHERE project_id = ANY($KEYS) ORDER BY project_id, area_code`,
      'int',
      (a) => a.projectId,
    ),
    membershipsByCode: listBy<string, Membership>(
      `${MEMBERSHIP_SELECT} WHERE municipality_code = ANY($KEYS) ORDER BY municipality_code, since, id`,
      'text',
      (m) => m.municipalityCode,
    ),
    membershipsByNetwork: listBy<string, Membership>(
      `${MEMBERSHIP_SELECT} WHERE network_id = ANY($KEYS) ORDER BY network_id, municipality_code, id`,
      'text',
      (m) => m.networkId,
    ),
    membershipById: new DataLoader<number, Membership | null>(async (ids) => {
      const rows: Membership[] = await db.query(`${MEMBERSHIP_SELECT} WHERE id = ANY($1::int[])`, [ids]);
      const m = new Map(rows.map((r) => [r.localId, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    twinTownsByCode: listBy<string, TwinTown>(
      `SELECT id AS "localId", municipality_code AS "municipalityCode", city, country, since, focus
       FROM twin_town WHERE municipality_code = ANY($KEYS) ORDER BY municipality_code, city, id`,
      'text',
      (t) => t.municipalityCode,
    ),
    strategyByCode: new DataLoader<string, Strategy | null>(async (codes) => {
      const rows: Strategy[] = await db.query(
        `SELECT municipality_code AS "municipalityCode", title, adopted_by AS "adoptedBy", adopted_on AS "adoptedOn",
                priorities, summary, updated_at AS "updatedAt"
         FROM strategy WHERE municipality_code = ANY($1::text[])`,
        [codes],
      );
      const m = new Map(rows.map((r) => [r.municipalityCode, r]));
      return codes.map((c) => m.get(c) ?? null);
    }),
    participantsByInitiative: listBy<string, { initiativeId: string; code: string }>(
      `SELECT DISTINCT initiative_id AS "initiativeId", municipality_code::text AS code FROM project
       WHERE initiative_id = ANY($KEYS) ORDER BY 1, 2`,
      'text',
      (r) => r.initiativeId,
    ),
    pages: new DataLoader<PageRequest, Page, string>(
      async (requests) => {
        const results = new Map<string, Page>();
        const groups = groupByArgs(requests, (r) => [r.filter ?? null, r.page]);
        await Promise.all(
          [...groups.values()].map(async ({ sample, keys }) => {
            const pages = await loadPages(db, sample.scope, [...keys], sample.filter, sample.page);
            for (const [key, page] of pages) results.set(pageId({ ...sample, key }), page);
          }),
        );
        return requests.map((r) => results.get(pageId(r))!);
      },
      { cacheKeyFn: pageId },
    ),
    counts: new DataLoader<CountRequest, number, string>(
      async (requests) => {
        const results = new Map<string, number>();
        const groups = groupByArgs(requests, (r) => r.filter ?? null);
        await Promise.all(
          [...groups.values()].map(async ({ sample, keys }) => {
            const counts = await countMatches(db, sample.scope, [...keys], sample.filter);
            for (const [key, n] of counts) results.set(countId({ ...sample, key }), n);
          }),
        );
        return requests.map((r) => results.get(countId(r)) ?? 0);
      },
      { cacheKeyFn: countId },
    ),
  };
}

const MEMBERSHIP_SELECT = `SELECT id AS "localId", municipality_code AS "municipalityCode", network_id AS "networkId",
  since, decided_by AS "decidedBy", decision_date AS "decisionDate", forums FROM membership`;

function pageId(r: PageRequest): string {
  return JSON.stringify([r.scope, r.key, r.filter ?? null, r.page]);
}
function countId(r: CountRequest): string {
  return JSON.stringify([r.scope, r.key, r.filter ?? null]);
}

export type Loaders = ReturnType<typeof createLoaders>;
