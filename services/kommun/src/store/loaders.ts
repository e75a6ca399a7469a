import DataLoader from 'dataloader';
import { Kysely, type Compilable } from 'kysely';
import type { DataSource } from 'typeorm';
import type { Funding } from '../entities/funding';
import type { Membership } from '../entities/membership';
import type { Partner } from '../entities/partner';
import type { Project } from '../entities/project';
import type { Strategy } from '../entities/strategy';
import type { TwinTown } from '../entities/twin-town';
import type { ProjectFilter } from '../graphql/types';
import { anyOf, countMatches, loadPages, loadProjectsById, statements, type NormalizedPage, type Page, type PageExtras, type Scope } from './project-query';
import { COLUMNS, kommunDb, type KommunDb } from './tables';

export interface PageRequest {
  scope: Scope;
  key: string;
  filter?: ProjectFilter;
  page: NormalizedPage;
  /** What the query will ask of the page next (its count, its rows' relations): read in the page's statement. */
  extras?: PageExtras;
}

export interface CountRequest {
  scope: Scope;
  key: string;
  filter?: ProjectFilter;
}

/** Groups requests that differ only in their parent key, so each group is one statement. */
function groupByArgs<T extends { scope: Scope; key: string }>(requests: readonly T[], argsOf: (r: T) => unknown) {
  const groups = new Map<string, { sample: T; keys: Set<string>; members: T[] }>();
  for (const r of requests) {
    const id = JSON.stringify([r.scope, argsOf(r)]);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { sample: r, keys: new Set(), members: [] }));
    g.keys.add(r.key);
    g.members.push(r);
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
export function createLoaders(source: DataSource | KommunDb | (() => KommunDb)) {
  const db = databaseOf(source);
  /** Runs the statement `build` gives for these keys, built once (see StatementCache). */
  const byKeys = <K, Row>(name: string, keys: readonly K[], build: (db: KommunDb, keys: readonly K[]) => Compilable<Row>): Promise<Row[]> => {
    const handle = db();
    return statements.execute(handle, name, null, { keys }, (_, v) => build(handle, v.keys));
  };
  /** A loader of lists by parent key: `fetch` reads every key's rows in one statement. */
  const listBy = <K extends string | number, V>(fetch: (keys: K[]) => Promise<V[]>, keyOf: (v: V) => K) =>
    new DataLoader<K, V[]>(async (keys) => {
      const grouped = byKey(await fetch([...keys]), keyOf);
      return keys.map((k) => grouped.get(k) ?? []);
    });
  const memberships = (d: KommunDb) => d.selectFrom('membership').select(COLUMNS.membership);

  const loaders = {
    projectById: new DataLoader<number, Project | null>(async (ids) => {
      const found = await loadProjectsById(db(), ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
    fundingByProject: listBy<number, Funding>(
      (ids) =>
        byKeys('fundingByProject', ids, (d, ids) =>
          d
            .selectFrom('funding')
            .select((eb) => ['id', 'project_id as projectId', 'programme_code as programmeCode', 'fund', eb.cast<number>('amount', 'float8').as('amount')])
            .where('project_id', '=', anyOf(ids, 'int'))
            .orderBy('project_id')
            .orderBy('id'),
        ),
      (f) => f.projectId,
    ),
    partnersByProject: listBy<number, Partner>(
      (ids) => byKeys('partnersByProject', ids, (d, ids) => d.selectFrom('partner').select(COLUMNS.partner).where('project_id', '=', anyOf(ids, 'int')).orderBy('project_id').orderBy('id')),
      (p) => p.projectId,
    ),
    areasByProject: listBy<number, { projectId: number; areaCode: string }>(
      (ids) =>
        byKeys('areasByProject', ids, (d, ids) =>
          d
            .selectFrom('project_area')
            .select(['project_id as projectId', 'area_code as areaCode'])
            .where('project_id', '=', anyOf(ids, 'int'))
            .orderBy('project_id')
            .orderBy('area_code'),
        ),
      (a) => a.projectId,
    ),
    membershipsByCode: listBy<string, Membership>(
      (codes) =>
        byKeys('membershipsByCode', codes, (d, codes) => memberships(d).where('municipality_code', '=', anyOf(codes, 'text')).orderBy('municipality_code').orderBy('since').orderBy('id')),
      (m) => m.municipalityCode,
    ),
    membershipsByNetwork: listBy<string, Membership>(
      (ids) => byKeys('membershipsByNetwork', ids, (d, ids) => memberships(d).where('network_id', '=', anyOf(ids, 'text')).orderBy('network_id').orderBy('municipality_code').orderBy('id')),
      (m) => m.networkId,
    ),
    membershipById: new DataLoader<number, Membership | null>(async (ids) => {
      const rows = await byKeys('membershipById', ids, (d, ids) => memberships(d).where('id', '=', anyOf(ids, 'int')));
      const m = new Map(rows.map((r) => [r.localId, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    twinTownsByCode: listBy<string, TwinTown>(
      (codes) =>
        byKeys('twinTownsByCode', codes, (d, codes) =>
          d
            .selectFrom('twin_town')
            .select(COLUMNS.twin_town)
            .where('municipality_code', '=', anyOf(codes, 'text'))
            .orderBy('municipality_code')
            .orderBy('city')
            .orderBy('id'),
        ),
      (t) => t.municipalityCode,
    ),
    strategyByCode: new DataLoader<string, Strategy | null>(async (codes) => {
      const rows = await byKeys('strategyByCode', codes, (d, codes) => d.selectFrom('strategy').select(COLUMNS.strategy).where('municipality_code', '=', anyOf(codes, 'text')));
      const m = new Map(rows.map((r) => [r.municipalityCode, r]));
      return codes.map((c) => m.get(c) ?? null);
    }),
    participantsByInitiative: listBy<string, { initiativeId: string; code: string }>(
      (ids) =>
        byKeys('participantsByInitiative', ids, (d, ids) =>
          d
            .selectFrom('project')
            .distinct()
            .select((eb) => [eb.cast<string>('initiative_id', 'text').as('initiativeId'), eb.cast<string>('municipality_code', 'text').as('code')])
            .where('initiative_id', '=', anyOf(ids, 'text'))
            .orderBy('initiativeId')
            .orderBy('code'),
        ),
      (r) => r.initiativeId,
    ),
    pages: new DataLoader<PageRequest, Page, string>(
      async (requests) => {
        const results = new Map<string, Page>();
        const groups = groupByArgs(requests, (r) => [r.filter ?? null, r.page]);
        await Promise.all(
          [...groups.values()].map(async ({ sample, keys, members }) => {
            // What any request of the group asks for besides the rows, read once for all its keys.
            const any = (extra: keyof PageExtras) => members.some((r) => r.extras?.[extra]);
            const extras: PageExtras = { count: any('count'), areas: any('areas'), funding: any('funding'), partners: any('partners') };
            const pages = await loadPages(db(), sample.scope, [...keys], sample.filter, sample.page, extras);
            for (const [key, page] of pages) {
              results.set(pageId({ ...sample, key }), page);
              // Answered from here when the query asks: no statement of their own.
              if (page.totalCount !== undefined) loaders.counts.prime({ scope: sample.scope, key, filter: sample.filter }, page.totalCount);
              if (page.areas) for (const [id, codes] of page.areas) loaders.areasByProject.prime(id, codes.map((areaCode) => ({ projectId: id, areaCode })));
              if (page.funding) for (const [id, lines] of page.funding) loaders.fundingByProject.prime(id, lines);
              if (page.partners) for (const [id, partners] of page.partners) loaders.partnersByProject.prime(id, partners);
            }
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
            const counts = await countMatches(db(), sample.scope, [...keys], sample.filter);
            for (const [key, n] of counts) results.set(countId({ ...sample, key }), n);
          }),
        );
        return requests.map((r) => results.get(countId(r)) ?? 0);
      },
      { cacheKeyFn: countId },
    ),
  };
  return loaders;
}

/** A pool, a transaction, or a choice between the two made at each statement (see write in writes.ts). */
function databaseOf(source: DataSource | KommunDb | (() => KommunDb)): () => KommunDb {
  if (typeof source === 'function') return source;
  const db = source instanceof Kysely ? source : kommunDb(source);
  return () => db;
}

function pageId(r: PageRequest): string {
  return JSON.stringify([r.scope, r.key, r.filter ?? null, r.page]);
}
function countId(r: CountRequest): string {
  return JSON.stringify([r.scope, r.key, r.filter ?? null]);
}

export type Loaders = ReturnType<typeof createLoaders>;
