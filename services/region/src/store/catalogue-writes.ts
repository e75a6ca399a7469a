import { sql } from 'kysely';
import { badInput } from '@samverkan/server-kit';
import { changedFields } from '@samverkan/subgraph-kit';
import type { RegionContext } from '../context';
import type { DevelopmentArea, FundingProgramme, JointInitiative, Network } from '../entities';
import type { DevelopmentAreaInput, FundingProgrammeInput, JointInitiativeInput, NetworkInput } from '../graphql/inputs';
import { auditDocument } from './audit';
import type { RegionDb } from './tables';
import { anyKey, audited, auditedDelete, authorize, checkCode, notFound, requireExisting, stillUsed, write, type Referenced } from './write-support';

/*
 * Writes to the region's catalogues. Each is one transaction, with its audit rows: every check
 * that reads the database runs inside it, so a refused write leaves no trace and a concurrent
 * delete cannot slip between a check and the write.
 */

const AGREEMENT: Referenced = {
  what: 'agreement',
  lockExisting: async (m, keys) => (await m.selectFrom('agreement').select('id as key').where('id', '=', anyKey(keys)).forShare().execute()).map((r) => r.key),
};
const AREA: Referenced = {
  what: 'development area',
  lockExisting: async (m, keys) =>
    (await m.selectFrom('development_area').select('code as key').where('code', '=', anyKey(keys)).forShare().execute()).map((r) => r.key),
};
const PROGRAMME: Referenced = {
  what: 'funding programme',
  lockExisting: async (m, keys) =>
    (await m.selectFrom('funding_programme').select('code as key').where('code', '=', anyKey(keys)).forShare().execute()).map((r) => r.key),
};

/** The agreement a development area belongs to, its row locked for the write; undefined when there is no such area. */
async function lockArea(m: RegionDb, code: string): Promise<{ agreementId: string | null } | undefined> {
  return m.selectFrom('development_area').select('agreement_id as agreementId').where('code', '=', code).forUpdate().executeTakeFirst();
}

/**
 * Creates or replaces a development area (utvecklingsområde). Its agreement lists it as well:
 * moving the area to another agreement (or to none) takes it off the old agreement's list and
 * appends it to the new one's.
 */
export async function upsertDevelopmentArea(ctx: RegionContext, input: DevelopmentAreaInput): Promise<DevelopmentArea> {
  authorize(ctx);
  const agreement = input.agreement ?? null;
  await write(ctx, 'upsertDevelopmentArea', async (m, audit) => {
    if (agreement) await requireExisting(m, AGREEMENT, [agreement], () => 'agreement');
    const before = (await lockArea(m, input.code))?.agreementId ?? null;
    // The agreements whose lists may change are audited too, each when its list did change.
    const agreements = [...new Set([before, agreement].filter((id): id is string => id !== null))];
    const agreementsBefore = [];
    // One after another: a transaction is one connection, which runs one statement at a time.
    for (const id of agreements) agreementsBefore.push(await auditDocument(m, 'Agreement', id, true));
    await audited(m, audit, 'DevelopmentArea', input.code, () =>
      m
        .insertInto('development_area')
        .values({ code: input.code, name: input.name, name_en: input.nameEn ?? null, ord: input.order ?? null, agreement_id: agreement })
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            name_en: eb.ref('excluded.name_en'),
            ord: eb.ref('excluded.ord'),
            agreement_id: eb.ref('excluded.agreement_id'),
          })),
        )
        .execute(),
    );
    if (before && before !== agreement) {
      await m
        .updateTable('agreement')
        .set((eb) => ({ development_areas: eb.fn<string[]>('array_remove', ['development_areas', eb.val(input.code)]) }))
        .where('id', '=', before)
        .execute();
    }
    if (agreement) {
      await m
        .updateTable('agreement')
        .set((eb) => ({ development_areas: eb('development_areas', '||', sql<string[]>`${input.code}::text`) }))
        .where('id', '=', agreement)
        .where((eb) => eb.not(eb(eb.val(input.code), '=', eb.fn.any('development_areas'))))
        .execute();
    }
    for (const [i, id] of agreements.entries()) {
      const after = await auditDocument(m, 'Agreement', id);
      if (changedFields(agreementsBefore[i], after).length) await audit('Agreement', id, agreementsBefore[i], after);
    }
  });
  return (await ctx.loaders.areaByCode.load(input.code))!;
}

/** Who still names an area: its agreement, other agreements listing it, initiatives serving it. */
async function usersOfArea(m: RegionDb, code: string, agreementId: string | null): Promise<string[]> {
  const rows = await m
    .selectFrom('agreement')
    .select((eb) => eb(sql.lit('agreement '), '||', eb.ref('id')).as('who'))
    .where((eb) => eb.or([eb('id', '=', agreementId), eb(eb.val(code), '=', eb.fn.any('development_areas'))]))
    .union((db) =>
      db
        .selectFrom('joint_initiative')
        .select((eb) => eb(sql.lit('joint initiative '), '||', eb.ref('id')).as('who'))
        .where('development_areas', '@>', sql<string[]>`ARRAY[${code}]::text[]`),
    )
    .orderBy('who')
    .execute();
  return rows.map((r) => r.who as string);
}

/** Deletes a development area that nothing in the catalogue names any more; answers its code. */
export async function deleteDevelopmentArea(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  checkCode('code', code);
  await write(ctx, 'deleteDevelopmentArea', async (m, audit) => {
    const area = await lockArea(m, code);
    if (!area) throw notFound('development area', 'code', code);
    const users = await usersOfArea(m, code, area.agreementId);
    if (users.length) throw stillUsed('development area', 'code', code, users);
    await auditedDelete(m, audit, 'DevelopmentArea', code, () => notFound('development area', 'code', code), () =>
      m.deleteFrom('development_area').where('code', '=', code).execute(),
    );
  });
  return code;
}

/** Creates or replaces a network (nätverk) of the catalogue. */
export async function upsertNetwork(ctx: RegionContext, input: NetworkInput): Promise<Network> {
  authorize(ctx);
  await write(ctx, 'upsertNetwork', (m, audit) =>
    audited(m, audit, 'Network', input.id, () =>
      m
        .insertInto('network')
        .values({
          id: input.id,
          name: input.name,
          founded: input.founded ?? null,
          member_count: input.memberCount ?? null,
          countries: input.countries ?? null,
          description: input.description ?? null,
          forums: input.forums ?? [],
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            founded: eb.ref('excluded.founded'),
            member_count: eb.ref('excluded.member_count'),
            countries: eb.ref('excluded.countries'),
            description: eb.ref('excluded.description'),
            forums: eb.ref('excluded.forums'),
          })),
        )
        .execute(),
    ),
  );
  return (await ctx.loaders.networkById.load(input.id))!;
}

/**
 * Deletes a network; answers its id. Kommuner's memberships of it live in their own databases
 * and keep the id, which then resolves to no network here.
 */
export async function deleteNetwork(ctx: RegionContext, id: string): Promise<string> {
  authorize(ctx);
  checkCode('id', id);
  await write(ctx, 'deleteNetwork', (m, audit) =>
    auditedDelete(m, audit, 'Network', id, () => notFound('network', 'id', id), () => m.deleteFrom('network').where('id', '=', id).execute()),
  );
  return id;
}

/** Creates or replaces a funding programme (fondprogram). */
export async function upsertFundingProgramme(ctx: RegionContext, input: FundingProgrammeInput): Promise<FundingProgramme> {
  authorize(ctx);
  const span = input.period ? /^(\d{4})-(\d{4})$/.exec(input.period) : null;
  if (span && Number(span[2]) < Number(span[1])) throw badInput('period', `must not end before it starts (got ${input.period})`);
  await write(ctx, 'upsertFundingProgramme', (m, audit) =>
    audited(m, audit, 'FundingProgramme', input.code, () =>
      m
        .insertInto('funding_programme')
        .values({ code: input.code, name: input.name, fund: input.fund, period: input.period ?? null })
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), fund: eb.ref('excluded.fund'), period: eb.ref('excluded.period') })),
        )
        .execute(),
    ),
  );
  return (await ctx.loaders.programmeByCode.load(input.code))!;
}

/** Deletes a funding programme that no joint initiative names; answers its code. */
export async function deleteFundingProgramme(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  checkCode('code', code);
  await write(ctx, 'deleteFundingProgramme', async (m, audit) => {
    const found = await m.selectFrom('funding_programme').select(sql.lit(1).as('found')).where('code', '=', code).forUpdate().executeTakeFirst();
    if (!found) throw notFound('funding programme', 'code', code);
    const users = await m.selectFrom('joint_initiative').select('id').where('programme_code', '=', code).orderBy('id').execute();
    if (users.length) throw stillUsed('funding programme', 'code', code, users.map((u) => `joint initiative ${u.id}`));
    await auditedDelete(m, audit, 'FundingProgramme', code, () => notFound('funding programme', 'code', code), () =>
      m.deleteFrom('funding_programme').where('code', '=', code).execute(),
    );
  });
  return code;
}

/** Creates or replaces a joint initiative (gemensam satsning); its programme and areas must exist. */
export async function upsertJointInitiative(ctx: RegionContext, input: JointInitiativeInput): Promise<JointInitiative> {
  authorize(ctx);
  const areas = input.developmentAreas ?? [];
  await write(ctx, 'upsertJointInitiative', async (m, audit) => {
    if (input.programme) await requireExisting(m, PROGRAMME, [input.programme], () => 'programme');
    await requireExisting(m, AREA, areas, (i) => `developmentAreas[${i}]`);
    await audited(m, audit, 'JointInitiative', input.id, () =>
      m
        .insertInto('joint_initiative')
        .values({
          id: input.id,
          name: input.name,
          description: input.description ?? null,
          started: input.started ?? null,
          programme_code: input.programme ?? null,
          development_areas: areas,
          lead: input.lead ?? null,
          partners: input.partners ?? [],
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            description: eb.ref('excluded.description'),
            started: eb.ref('excluded.started'),
            programme_code: eb.ref('excluded.programme_code'),
            development_areas: eb.ref('excluded.development_areas'),
            lead: eb.ref('excluded.lead'),
            partners: eb.ref('excluded.partners'),
          })),
        )
        .execute(),
    );
  });
  return (await ctx.loaders.initiativeById.load(input.id))!;
}

/**
 * Deletes a joint initiative; answers its id. Kommun projects that name it keep the id, which
 * then resolves to no initiative here.
 */
export async function deleteJointInitiative(ctx: RegionContext, id: string): Promise<string> {
  authorize(ctx);
  checkCode('id', id);
  await write(ctx, 'deleteJointInitiative', (m, audit) =>
    auditedDelete(m, audit, 'JointInitiative', id, () => notFound('joint initiative', 'id', id), () => m.deleteFrom('joint_initiative').where('id', '=', id).execute()),
  );
  return id;
}
