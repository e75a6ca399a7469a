import { readFileSync } from 'node:fs';
import { postGraphQL } from '@samverkan/testing';
import { REGION_SCHEMA_FILE } from '../cli/emit-schema';
import { snapshot, startRegion, type RegionHarness } from './harness';

/**
 * The region's audit trail: every mutation writes one row per entity it changes, in its
 * transaction; a refused write writes none; the log cannot be changed; only region editors read it.
 */

let h: RegionHarness;
let editor: string;
beforeAll(async () => {
  h = await startRegion();
  editor = await h.token({ role: 'region-editor', subject: 'region-office' });
});
afterAll(() => h.stop());

const AUDIT_LOG = `query($filter: RegionAuditFilter, $first: Int, $after: String) {
  regionAuditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor } nodes { id at actorSubject actorRole actorMunicipality operation entityType entityId before after changedFields }
    pageInfo { hasNextPage endCursor }
  } }`;

interface Entry {
  id: string;
  at: string;
  operation: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedFields: string[];
  [other: string]: unknown;
}

async function page(variables: Record<string, unknown> = {}): Promise<{ nodes: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> {
  const { body } = await h.gql(AUDIT_LOG, { first: 100, ...variables }, editor);
  expect(body.errors).toBeUndefined();
  const c = body.data.regionAuditLog;
  return { nodes: c.nodes.map((n: any) => ({ ...n, before: n.before && JSON.parse(n.before), after: n.after && JSON.parse(n.after) })), pageInfo: c.pageInfo };
}

async function rows(): Promise<number> {
  const [{ n }] = await h.server.db.query('SELECT count(*)::int AS n FROM audit_log');
  return n;
}

/** Runs a write as a region editor; answers the audit entries it added, oldest first. */
async function audited(query: string, variables: Record<string, unknown>): Promise<Entry[]> {
  const before = await rows();
  const { body } = await h.gql(query, variables, editor);
  expect(body.errors).toBeUndefined();
  const added = (await page({ first: (await rows()) - before })).nodes.reverse();
  expect(await rows()).toBe(before + added.length);
  return added;
}

const actor = { actorSubject: 'region-office', actorRole: 'region-editor', actorMunicipality: null };
const sorted = (xs: string[]) => [...xs].sort();

describe('every mutation writes one audit row per change', () => {
  it('upsertMember and removeMember', async () => {
    const created = await audited('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '1499', name: 'Nykommun', county: 'Hallands län', population: 10 } });
    expect(created).toEqual([expect.objectContaining({ ...actor, operation: 'upsertMember', entityType: 'Municipality', entityId: '1499', before: null })]);
    const doc = created[0].after!;
    expect(doc).toEqual(expect.objectContaining({ name: 'Nykommun', officialName: null, county: 'Hallands län', population: 10, subgraphUrl: null }));
    expect(typeof doc.joinedAt).toBe('string');

    const replaced = await audited('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '1499', name: 'Nykommun', county: 'Hallands län', population: 12 } });
    expect(replaced).toEqual([expect.objectContaining({ operation: 'upsertMember', before: doc, after: { ...doc, population: 12 }, changedFields: ['population'] })]);

    const removed = await audited('mutation { removeMember(code: "1499") }', {});
    expect(removed).toEqual([expect.objectContaining({ ...actor, operation: 'removeMember', entityId: '1499', before: { ...doc, population: 12 }, after: null })]);
  });

  it('upsertDevelopmentArea records the area and each agreement whose list it changed, at one time', async () => {
    const agreementBefore = (await h.server.db.query(`SELECT development_areas FROM agreement WHERE id = 'gr-goteborg-2014'`))[0].development_areas;
    const created = await audited('mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', {
      i: { code: 'EU-YOUTH', name: 'Unga och EU', order: 7, agreement: 'gr-goteborg-2014' },
    });
    expect(created).toEqual([
      expect.objectContaining({ ...actor, operation: 'upsertDevelopmentArea', entityType: 'DevelopmentArea', entityId: 'EU-YOUTH', before: null, after: { name: 'Unga och EU', nameEn: null, order: 7, agreement: 'gr-goteborg-2014' } }),
      expect.objectContaining({ operation: 'upsertDevelopmentArea', entityType: 'Agreement', entityId: 'gr-goteborg-2014', changedFields: ['developmentAreas'] }),
    ]);
    expect(created[1].before!.developmentAreas).toEqual(agreementBefore);
    expect(created[1].after!.developmentAreas).toEqual([...agreementBefore, 'EU-YOUTH']);
    expect(created[1].at).toBe(created[0].at);

    // Renamed, same agreement: the agreement's list stays, so only the area is recorded.
    const renamed = await audited('mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', {
      i: { code: 'EU-YOUTH', name: 'Unga i Europa', order: 7, agreement: 'gr-goteborg-2014' },
    });
    expect(renamed.map((e) => [e.entityType, e.changedFields])).toEqual([['DevelopmentArea', ['name']]]);

    // Taken off the agreement: the area and the agreement.
    const moved = await audited('mutation($i: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $i) { code } }', { i: { code: 'EU-YOUTH', name: 'Unga i Europa' } });
    expect(moved.map((e) => [e.entityType, e.entityId, sorted(e.changedFields)])).toEqual([
      ['DevelopmentArea', 'EU-YOUTH', ['agreement', 'order']],
      ['Agreement', 'gr-goteborg-2014', ['developmentAreas']],
    ]);
    expect(moved[1].after!.developmentAreas).toEqual(agreementBefore);

    const deleted = await audited('mutation { deleteDevelopmentArea(code: "EU-YOUTH") }', {});
    expect(deleted).toEqual([expect.objectContaining({ operation: 'deleteDevelopmentArea', entityType: 'DevelopmentArea', entityId: 'EU-YOUTH', before: moved[0].after, after: null })]);
  });

  it('upsertNetwork and deleteNetwork', async () => {
    const created = await audited('mutation($i: NetworkInput!) { upsertNetwork(input: $i) { id } }', { i: { id: 'polis', name: 'POLIS', founded: 1989, forums: ['mobilitet'] } });
    const doc = { name: 'POLIS', founded: 1989, memberCount: null, countries: null, description: null, forums: ['mobilitet'] };
    expect(created).toEqual([expect.objectContaining({ ...actor, operation: 'upsertNetwork', entityType: 'Network', entityId: 'polis', before: null, after: doc })]);
    const deleted = await audited('mutation { deleteNetwork(id: "polis") }', {});
    expect(deleted).toEqual([expect.objectContaining({ operation: 'deleteNetwork', entityType: 'Network', entityId: 'polis', before: doc, after: null })]);
  });

  it('upsertFundingProgramme and deleteFundingProgramme', async () => {
    const doc = { name: 'JTF', fund: 'JTF', period: '2021-2027' };
    const created = await audited('mutation($i: FundingProgrammeInput!) { upsertFundingProgramme(input: $i) { code } }', { i: { code: 'JTF-2021-2027', ...doc } });
    expect(created).toEqual([expect.objectContaining({ ...actor, operation: 'upsertFundingProgramme', entityType: 'FundingProgramme', entityId: 'JTF-2021-2027', before: null, after: doc })]);
    // The same input again changes nothing, and is recorded with before equal to after.
    const again = await audited('mutation($i: FundingProgrammeInput!) { upsertFundingProgramme(input: $i) { code } }', { i: { code: 'JTF-2021-2027', ...doc } });
    expect(again).toEqual([expect.objectContaining({ before: doc, after: doc, changedFields: [] })]);
    const deleted = await audited('mutation { deleteFundingProgramme(code: "JTF-2021-2027") }', {});
    expect(deleted).toEqual([expect.objectContaining({ operation: 'deleteFundingProgramme', entityId: 'JTF-2021-2027', before: doc, after: null })]);
  });

  it('upsertJointInitiative and deleteJointInitiative', async () => {
    const created = await audited('mutation($i: JointInitiativeInput!) { upsertJointInitiative(input: $i) { id } }', {
      i: { id: 'eu-lab', name: 'EU-labbet', programme: 'ESFPLUS-2021-2027', developmentAreas: ['EU-FUNDS'], partners: ['VGR'] },
    });
    const doc = { name: 'EU-labbet', description: null, started: null, programme: 'ESFPLUS-2021-2027', developmentAreas: ['EU-FUNDS'], lead: null, partners: ['VGR'] };
    expect(created).toEqual([expect.objectContaining({ ...actor, operation: 'upsertJointInitiative', entityType: 'JointInitiative', entityId: 'eu-lab', before: null, after: doc })]);
    const deleted = await audited('mutation { deleteJointInitiative(id: "eu-lab") }', {});
    expect(deleted).toEqual([expect.objectContaining({ operation: 'deleteJointInitiative', entityId: 'eu-lab', before: doc, after: null })]);
  });

  it('every one of the region mutations has written audit rows', async () => {
    const operations = [...new Set((await page()).nodes.map((n) => n.operation))].sort();
    const mutation = /type Mutation \{([\s\S]*?)\n\}/.exec(readFileSync(REGION_SCHEMA_FILE, 'utf8'))![1];
    const names = [...mutation.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort();
    expect(names).toHaveLength(10);
    expect(operations).toEqual(names);
  });
});

describe('a refused write writes no audit row', () => {
  const cases: Array<[string, string, () => Promise<string | undefined>, string]> = [
    ['anonymous', 'mutation { upsertNetwork(input: { id: "x1", name: "X" }) { id } }', async () => undefined, 'UNAUTHENTICATED'],
    ['a kommun editor', 'mutation { deleteNetwork(id: "eurocities") }', () => h.kommunEditor('1480'), 'FORBIDDEN'],
    ['invalid input found inside the transaction', 'mutation { upsertJointInitiative(input: { id: "x2", name: "X", developmentAreas: ["NOPE"] }) { id } }', async () => editor, 'BAD_USER_INPUT'],
    ['an unknown key', 'mutation { deleteJointInitiative(id: "no-such-initiative") }', async () => editor, 'NOT_FOUND'],
    ['a delete of an area still named', 'mutation { deleteDevelopmentArea(code: "EU-FUNDS") }', async () => editor, 'CONFLICT'],
  ];

  it.each(cases)('%s', async (_name, query, token, code) => {
    const before = await snapshot(h);
    const { body } = await h.gql(query, {}, await token());
    expect(body.errors?.[0].extensions?.code).toBe(code);
    expect(await snapshot(h)).toEqual(before);
  });

  it('when the audit row cannot be written, the write fails and changes nothing', async () => {
    await h.server.db.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await h.server.db.query('CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()');
    const write = () => h.gql('mutation { upsertNetwork(input: { id: "eurocities", name: "Must not stick" }) { name } }', {}, editor);
    try {
      const before = await snapshot(h);
      const { body } = await write();
      expect(body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await snapshot(h)).toEqual(before);
    } finally {
      await h.server.db.query('DROP TRIGGER refuse_audit ON audit_log');
      await h.server.db.query('DROP FUNCTION refuse_audit()');
    }
    expect((await write()).body.data.upsertNetwork.name).toBe('Must not stick');
  });
  it('a write that fails after its first audit row was written leaves no row', async () => {
    // upsertDevelopmentArea records the area, then changes its agreement's list: make that fail.
    await h.server.db.query(`CREATE FUNCTION refuse_agreement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'agreement refused'; END $$`);
    await h.server.db.query('CREATE TRIGGER refuse_agreement BEFORE UPDATE ON agreement FOR EACH ROW EXECUTE FUNCTION refuse_agreement()');
    try {
      const before = await snapshot(h);
      const { body } = await h.gql('mutation { upsertDevelopmentArea(input: { code: "EU-LATE", name: "Sent", agreement: "gr-goteborg-2014" }) { code } }', {}, editor);
      expect(body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await snapshot(h)).toEqual(before);
    } finally {
      await h.server.db.query('DROP TRIGGER refuse_agreement ON agreement');
      await h.server.db.query('DROP FUNCTION refuse_agreement()');
    }
  });
});

describe('nothing can change the audit log', () => {
  it('UPDATE, DELETE and TRUNCATE through SQL are refused with a clear message', async () => {
    const before = await h.server.db.query('SELECT * FROM audit_log ORDER BY id');
    expect(before.length).toBeGreaterThan(0);
    for (const sql of [`UPDATE audit_log SET after = NULL`, 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
      await expect(h.server.db.query(sql)).rejects.toThrow(/audit_log is append-only: (UPDATE|DELETE|TRUNCATE) is refused/);
    }
    expect(await h.server.db.query('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
  });

  it('no mutation of the region subgraph is about the audit log', () => {
    const mutation = /type Mutation \{([\s\S]*?)\n\}/.exec(readFileSync(REGION_SCHEMA_FILE, 'utf8'))![1];
    expect(mutation).not.toMatch(/audit/i);
  });
});

describe('who may read the log, and how', () => {
  const read = (token?: string) => postGraphQL(h.url, AUDIT_LOG, { first: 1 }, token ? { authorization: `Bearer ${token}` } : {});

  it('region editors read it; kommun editors are FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
    expect((await read(await h.regionEditor())).body.data.regionAuditLog.nodes).toHaveLength(1);
    const kommun = (await read(await h.kommunEditor('1480'))).body;
    expect(kommun.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(kommun.errors[0].message).toBe("You are an editor of kommun 1480; only a region editor may read the region's audit log.");
    const anonymous = (await read()).body;
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anonymous.errors[0].message).toMatch(/region's audit log needs a token/);
  });

  it('pages newest first with stable cursors, and filters', async () => {
    const all = (await page()).nodes;
    const walked: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 50; i++) {
      const p = await page({ first: 4, after });
      walked.push(...p.nodes.map((n) => n.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor!;
    }
    expect(walked).toEqual(all.map((n) => n.id));
    expect(walked.map(Number)).toEqual([...walked.map(Number)].sort((a, b) => b - a));
    const only = async (filter: Record<string, unknown>) => (await page({ filter })).nodes.map((n) => n.id);
    expect(await only({ entityType: 'Agreement' })).toEqual(all.filter((n) => n.entityType === 'Agreement').map((n) => n.id));
    expect(await only({ entityId: 'eurocities', operation: 'upsertNetwork' })).toEqual(all.filter((n) => n.entityId === 'eurocities').map((n) => n.id));
    const { body } = await h.gql(AUDIT_LOG, { filter: { entityType: 'Project' } }, editor);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('filter.entityType: must be one of Municipality, DevelopmentArea, Agreement, Network, FundingProgramme, JointInitiative');
  });
});
