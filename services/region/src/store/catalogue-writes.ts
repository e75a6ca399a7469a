import type { EntityManager } from 'typeorm';
import { badInput } from '@samverkan/server-kit';
import { changedFields } from '@samverkan/subgraph-kit';
import type { RegionContext } from '../context';
import { JointInitiative, Network, type DevelopmentArea, type FundingProgramme } from '../entities';
import type { DevelopmentAreaInput, FundingProgrammeInput, JointInitiativeInput, NetworkInput } from '../graphql/inputs';
import { auditDocument } from './audit';
import { audited, auditedDelete, authorize, checkCode, notFound, requireExisting, stillUsed, write } from './write-support';

/*
 * Writes to the region's catalogues. Each is one transaction, with its audit rows: every check
 * that reads the database runs inside it, so a refused write leaves no trace and a concurrent
 * delete cannot slip between a check and the write.
 */

const AGREEMENT = { table: 'agreement', key: 'id', what: 'agreement' };
const AREA = { table: 'development_area', key: 'code', what: 'development area' };
const PROGRAMME = { table: 'funding_programme', key: 'code', what: 'funding programme' };

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
    const previous: Array<{ agreement_id: string | null }> = await m.query(
      'SELECT agreement_id FROM development_area WHERE code = $1 FOR UPDATE',
      [input.code],
    );
    const before = previous[0]?.agreement_id ?? null;
    // The agreements whose lists may change are audited too, each when its list did change.
    const agreements = [...new Set([before, agreement].filter((id): id is string => id !== null))];
    const agreementsBefore = [];
    // One after another: a transaction is one connection, which runs one statement at a time.
    for (const id of agreements) agreementsBefore.push(await auditDocument(m, 'Agreement', id, true));
    await audited(m, audit, 'DevelopmentArea', input.code, () =>
      m.query(
        `INSERT INTO development_area (code, name, name_en, ord, agreement_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, ord = EXCLUDED.ord,
           agreement_id = EXCLUDED.agreement_id`,
        [input.code, input.name, input.nameEn ?? null, input.order ?? null, agreement],
      ),
    );
    if (before && before !== agreement) {
      await m.query('UPDATE agreement SET development_areas = array_remove(development_areas, $2) WHERE id = $1', [before, input.code]);
    }
    if (agreement) {
      await m.query(
        `UPDATE agreement SET development_areas = development_areas || $2::text
         WHERE id = $1 AND NOT ($2 = ANY(development_areas))`,
        [agreement, input.code],
      );
    }
    for (const [i, id] of agreements.entries()) {
      const after = await auditDocument(m, 'Agreement', id);
      if (changedFields(agreementsBefore[i], after).length) await audit('Agreement', id, agreementsBefore[i], after);
    }
  });
  return (await ctx.loaders.areaByCode.load(input.code))!;
}

/** Who still names an area: its agreement, other agreements listing it, initiatives serving it. */
async function usersOfArea(m: EntityManager, code: string, agreementId: string | null): Promise<string[]> {
  const rows: Array<{ who: string }> = await m.query(
    `SELECT 'agreement ' || id AS who FROM agreement WHERE id = $2 OR $1 = ANY(development_areas)
     UNION SELECT 'joint initiative ' || id FROM joint_initiative WHERE development_areas @> ARRAY[$1]::text[]
     ORDER BY 1`,
    [code, agreementId],
  );
  return rows.map((r) => r.who);
}

/** Deletes a development area that nothing in the catalogue names any more; answers its code. */
export async function deleteDevelopmentArea(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  checkCode('code', code);
  await write(ctx, 'deleteDevelopmentArea', async (m, audit) => {
    const rows: Array<{ agreement_id: string | null }> = await m.query(
      'SELECT agreement_id FROM development_area WHERE code = $1 FOR UPDATE',
      [code],
    );
    if (!rows.length) throw notFound('development area', 'code', code);
    const users = await usersOfArea(m, code, rows[0].agreement_id);
    if (users.length) throw stillUsed('development area', 'code', code, users);
    await auditedDelete(m, audit, 'DevelopmentArea', code, () => notFound('development area', 'code', code), () =>
      m.query('DELETE FROM development_area WHERE code = $1', [code]),
    );
  });
  return code;
}

/** Creates or replaces a network (nätverk) of the catalogue. */
export async function upsertNetwork(ctx: RegionContext, input: NetworkInput): Promise<Network> {
  authorize(ctx);
  await write(ctx, 'upsertNetwork', (m, audit) =>
    audited(m, audit, 'Network', input.id, () =>
      m.query(
        `INSERT INTO network (id, name, founded, member_count, countries, description, forums) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, founded = EXCLUDED.founded, member_count = EXCLUDED.member_count,
           countries = EXCLUDED.countries, description = EXCLUDED.description, forums = EXCLUDED.forums`,
        [input.id, input.name, input.founded ?? null, input.memberCount ?? null, input.countries ?? null, input.description ?? null, input.forums ?? []],
      ),
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
    auditedDelete(m, audit, 'Network', id, () => notFound('network', 'id', id), () => m.getRepository(Network).delete({ id })),
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
      m.query(
        `INSERT INTO funding_programme (code, name, fund, period) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, fund = EXCLUDED.fund, period = EXCLUDED.period`,
        [input.code, input.name, input.fund, input.period ?? null],
      ),
    ),
  );
  return (await ctx.loaders.programmeByCode.load(input.code))!;
}

/** Deletes a funding programme that no joint initiative names; answers its code. */
export async function deleteFundingProgramme(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  checkCode('code', code);
  await write(ctx, 'deleteFundingProgramme', async (m, audit) => {
    const rows = await m.query('SELECT 1 FROM funding_programme WHERE code = $1 FOR UPDATE', [code]);
    if (!rows.length) throw notFound('funding programme', 'code', code);
    const users: Array<{ id: string }> = await m.query('SELECT id FROM joint_initiative WHERE programme_code = $1 ORDER BY id', [code]);
    if (users.length) throw stillUsed('funding programme', 'code', code, users.map((u) => `joint initiative ${u.id}`));
    await auditedDelete(m, audit, 'FundingProgramme', code, () => notFound('funding programme', 'code', code), () =>
      m.query('DELETE FROM funding_programme WHERE code = $1', [code]),
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
    await audited(m, audit, 'JointInitiative', input.id, () => m.query(
      `INSERT INTO joint_initiative (id, name, description, started, programme_code, development_areas, lead, partners)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, started = EXCLUDED.started,
         programme_code = EXCLUDED.programme_code, development_areas = EXCLUDED.development_areas, lead = EXCLUDED.lead,
         partners = EXCLUDED.partners`,
      [input.id, input.name, input.description ?? null, input.started ?? null, input.programme ?? null, areas, input.lead ?? null, input.partners ?? []],
    ));
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
    auditedDelete(m, audit, 'JointInitiative', id, () => notFound('joint initiative', 'id', id), () => m.getRepository(JointInitiative).delete({ id })),
  );
  return id;
}
