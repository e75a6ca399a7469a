import { Client } from 'pg';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { postGraphQL } from '@samverkan/testing';
import { CONTRACT_FILE } from '../cli/emit-schema';
import { snapshot, startKommun, type KommunHarness } from './harness';

/**
 * The audit trail: every mutation writes one row per entity it changes, in its transaction, with
 * who, which entity and the stored fields before and after; a refused write writes none; the log
 * cannot be changed, neither through the API nor through SQL; and only the kommun's own editors
 * and region editors read it, newest first, in pages and by filter.
 */

let h: KommunHarness;
let editor: string;
let regionEditor: string;
const seeded = { membership: '', twinTown: '' };

beforeAll(async () => {
  h = await startKommun(
    ['1480', '1481'],
    [
      {
        code: '1480',
        projects: [],
        memberships: [{ network: 'eurocities', since: '1995-01-01', forums: ['kultur'] }],
        twinTowns: [{ city: 'Bergen', country: 'NO', since: 1946, focus: ['kultur'] }],
        strategy: { title: 'Internationell strategi', adoptedBy: 'KOMMUNFULLMAKTIGE', adoptedOn: '2020-05-14', priorities: ['EU-fonder'] },
      },
    ],
  );
  editor = await h.token({ role: 'kommun-editor', subject: 'intl-office-1480', municipality: '1480' });
  regionEditor = await h.token({ role: 'region-editor', subject: 'region-office' });
  const { body } = await h.gql(`{ municipality(code: "1480") { memberships { id } twinTowns { id } } }`);
  seeded.membership = body.data.municipality.memberships[0].id;
  seeded.twinTown = body.data.municipality.twinTowns[0].id;
});
afterAll(() => h.stop());

const ENTRY = 'id at actorSubject actorRole actorMunicipality operation entityType entityId municipality { code } before after changedFields';
const AUDIT_LOG = `query($m: ID!, $filter: AuditFilter, $first: Int, $after: String) {
  auditLog(municipality: $m, filter: $filter, first: $first, after: $after) {
    edges { cursor node { id } } nodes { ${ENTRY} } pageInfo { hasNextPage endCursor }
  } }`;

interface Entry {
  id: string;
  at: string;
  actorSubject: string;
  actorRole: string;
  actorMunicipality: string | null;
  operation: string;
  entityType: string;
  entityId: string;
  municipality: { code: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  changedFields: string[];
}

/** A page of 1480's log (or `code`'s) as `token` reads it, before and after parsed. */
async function page(variables: { filter?: Record<string, unknown>; first?: number; after?: string } = {}, token = editor, code = '1480') {
  const { body } = await h.gql(AUDIT_LOG, { m: code, first: 100, ...variables }, token);
  expect(body.errors).toBeUndefined();
  const c = body.data.auditLog;
  const nodes: Entry[] = c.nodes.map((n: any) => ({ ...n, before: n.before === null ? null : JSON.parse(n.before), after: n.after === null ? null : JSON.parse(n.after) }));
  return { nodes, edges: c.edges as Array<{ cursor: string; node: { id: string } }>, pageInfo: c.pageInfo as { hasNextPage: boolean; endCursor: string | null } };
}

async function rows(): Promise<number> {
  const [{ n }] = await h.server.db.query('SELECT count(*)::int AS n FROM audit_log');
  return n;
}

/** Runs a write as 1480's editor; answers its data and the audit entries it added, oldest first. */
async function audited(query: string, variables: Record<string, unknown>): Promise<{ data: any; added: Entry[] }> {
  const before = await rows();
  const { body } = await h.gql(query, variables, editor);
  expect(body.errors).toBeUndefined();
  const added = (await page({ first: (await rows()) - before })).nodes.reverse();
  expect(await rows()).toBe(before + added.length);
  return { data: body.data, added };
}

const actor = { actorSubject: 'intl-office-1480', actorRole: 'kommun-editor', actorMunicipality: '1480', municipality: { code: '1480' } };

const PROJECT_INPUT = {
  municipality: '1480',
  title: 'Audited project',
  status: 'PLANNED',
  startDate: '2025-03-01',
  budget: { total: 1000, euCofinancing: 400, currency: 'EUR' },
  funding: [{ programme: 'ESF-2014-2020', amount: 300 }],
  partners: [{ name: 'Turku University', country: 'fi', type: 'UNIVERSITY', role: 'PARTNER' }],
  developmentAreas: ['EU-FUNDS'],
};
const PROJECT_DOC = {
  title: 'Audited project',
  summary: null,
  status: 'PLANNED',
  startDate: '2025-03-01',
  endDate: null,
  budget: { total: 1000, euCofinancing: 400, currency: 'EUR' },
  department: null,
  initiative: null,
  synthetic: false,
  funding: [{ programme: 'ESF-2014-2020', fund: 'ESF', amount: 300 }],
  partners: [{ name: 'Turku University', country: 'FI', type: 'UNIVERSITY', role: 'PARTNER', municipality: null }],
  developmentAreas: ['EU-FUNDS'],
};
const sorted = (xs: string[]) => [...xs].sort();

describe('every mutation writes one audit row per change, with who, what, before and after', () => {
  let project = '';
  let membership = '';
  let twinTown = '';

  it('createProject: the project with its children after, nothing before', async () => {
    const { data, added } = await audited('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { input: PROJECT_INPUT });
    project = data.createProject.id;
    expect(added).toEqual([
      expect.objectContaining({ ...actor, operation: 'createProject', entityType: 'Project', entityId: project, before: null, after: PROJECT_DOC }),
    ]);
    expect(sorted(added[0].changedFields)).toEqual(sorted(Object.keys(PROJECT_DOC)));
  });

  it('updateProject: before and after differ in exactly the changed fields, at the time of the write', async () => {
    const { added } = await audited('mutation($id: ID!, $input: ProjectUpdateInput!) { updateProject(id: $id, input: $input) { id } }', {
      id: project,
      input: { title: 'Renamed', developmentAreas: ['EU-PARTNERS', 'EU-FUNDS'], budget: { total: 2000 } },
    });
    const after = { ...PROJECT_DOC, title: 'Renamed', developmentAreas: ['EU-FUNDS', 'EU-PARTNERS'], budget: { ...PROJECT_DOC.budget, total: 2000 } };
    expect(added).toEqual([expect.objectContaining({ ...actor, operation: 'updateProject', entityType: 'Project', entityId: project, before: PROJECT_DOC, after })]);
    expect(sorted(added[0].changedFields)).toEqual(['budget', 'developmentAreas', 'title']);
    // The transaction's time: the project's updated_at is set to now() in the same transaction.
    const [{ updated }] = await h.server.db.query(`SELECT to_json(updated_at) #>> '{}' AS updated FROM project WHERE id = $1`, [Number(project.split(':')[2])]);
    expect(new Date(added[0].at).getTime()).toBe(Math.floor(new Date(updated).getTime()));
  });

  it('updateProject that changes nothing is recorded too, with before equal to after and no changed fields', async () => {
    const { added } = await audited('mutation($id: ID!, $input: ProjectUpdateInput!) { updateProject(id: $id, input: $input) { id } }', { id: project, input: { title: 'Renamed' } });
    expect(added).toHaveLength(1);
    expect(added[0].before).toEqual(added[0].after);
    expect(added[0].changedFields).toEqual([]);
  });

  it('deleteProject: the project with its children before, nothing after', async () => {
    const previous = (await page({ filter: { entityId: project }, first: 1 })).nodes[0].after;
    const { added } = await audited('mutation($id: ID!) { deleteProject(id: $id) }', { id: project });
    expect(added).toEqual([expect.objectContaining({ ...actor, operation: 'deleteProject', entityType: 'Project', entityId: project, before: previous, after: null })]);
    expect((previous as { funding: unknown[] }).funding).toHaveLength(1);
  });

  it('createMembership, updateMembership, deleteMembership', async () => {
    const created = await audited('mutation($input: MembershipInput!) { createMembership(input: $input) { id } }', {
      input: { municipality: '1480', network: 'sern', since: '2010-01-01', forums: ['skola'] },
    });
    membership = created.data.createMembership.id;
    const doc = { network: 'sern', since: '2010-01-01', decidedBy: null, decisionDate: null, forums: ['skola'] };
    expect(created.added).toEqual([expect.objectContaining({ ...actor, operation: 'createMembership', entityType: 'Membership', entityId: membership, before: null, after: doc })]);

    const updated = await audited('mutation($id: ID!, $input: MembershipUpdateInput!) { updateMembership(id: $id, input: $input) { id } }', {
      id: membership,
      input: { decidedBy: 'KOMMUNSTYRELSEN', forums: ['skola', 'klimat'] },
    });
    const next = { ...doc, decidedBy: 'KOMMUNSTYRELSEN', forums: ['skola', 'klimat'] };
    expect(updated.added).toEqual([expect.objectContaining({ ...actor, operation: 'updateMembership', entityId: membership, before: doc, after: next })]);
    expect(sorted(updated.added[0].changedFields)).toEqual(['decidedBy', 'forums']);

    const deleted = await audited('mutation($id: ID!) { deleteMembership(id: $id) }', { id: membership });
    expect(deleted.added).toEqual([expect.objectContaining({ ...actor, operation: 'deleteMembership', entityType: 'Membership', entityId: membership, before: next, after: null })]);
  });

  it('createTwinTown, updateTwinTown, deleteTwinTown', async () => {
    const created = await audited('mutation($input: TwinTownInput!) { createTwinTown(input: $input) { id } }', { input: { municipality: '1480', city: 'Aarhus', country: 'dk' } });
    twinTown = created.data.createTwinTown.id;
    const doc = { city: 'Aarhus', country: 'DK', since: null, focus: [] };
    expect(created.added).toEqual([expect.objectContaining({ ...actor, operation: 'createTwinTown', entityType: 'TwinTown', entityId: twinTown, before: null, after: doc })]);

    const updated = await audited('mutation($id: ID!, $input: TwinTownUpdateInput!) { updateTwinTown(id: $id, input: $input) { id } }', { id: twinTown, input: { city: 'Århus', since: 1951 } });
    expect(updated.added).toEqual([expect.objectContaining({ operation: 'updateTwinTown', entityId: twinTown, before: doc, after: { ...doc, city: 'Århus', since: 1951 } })]);
    expect(sorted(updated.added[0].changedFields)).toEqual(['city', 'since']);

    const deleted = await audited('mutation($id: ID!) { deleteTwinTown(id: $id) }', { id: twinTown });
    expect(deleted.added).toEqual([expect.objectContaining({ operation: 'deleteTwinTown', entityType: 'TwinTown', entityId: twinTown, before: { ...doc, city: 'Århus', since: 1951 }, after: null })]);
  });

  it('setStrategy replacing the strategy, then deleteStrategy; a delete of none records nothing', async () => {
    const seededDoc = { title: 'Internationell strategi', adoptedBy: 'KOMMUNFULLMAKTIGE', adoptedOn: '2020-05-14', priorities: ['EU-fonder'], summary: null };
    const set = await audited('mutation($input: StrategyInput!) { setStrategy(municipality: "1480", input: $input) { title } }', {
      input: { title: 'Ny strategi', adoptedBy: 'KOMMUNSTYRELSEN', priorities: ['Klimat'] },
    });
    const doc = { title: 'Ny strategi', adoptedBy: 'KOMMUNSTYRELSEN', adoptedOn: null, priorities: ['Klimat'], summary: null };
    expect(set.added).toEqual([expect.objectContaining({ ...actor, operation: 'setStrategy', entityType: 'Strategy', entityId: '1480', before: seededDoc, after: doc })]);

    const deleted = await audited('mutation { deleteStrategy(municipality: "1480") }', {});
    expect(deleted.data.deleteStrategy).toBe(true);
    expect(deleted.added).toEqual([expect.objectContaining({ operation: 'deleteStrategy', entityId: '1480', before: doc, after: null })]);

    const none = await audited('mutation { deleteStrategy(municipality: "1480") }', {});
    expect(none.data.deleteStrategy).toBe(false);
    expect(none.added).toEqual([]);

    const created = await audited('mutation($input: StrategyInput!) { setStrategy(municipality: "1480", input: $input) { title } }', { input: { title: 'Igen', adoptedBy: 'KOMMUNSTYRELSEN' } });
    expect(created.added).toEqual([expect.objectContaining({ operation: 'setStrategy', before: null, after: { ...doc, title: 'Igen', priorities: [] } })]);
  });

  it('importProjects: one row per project created, in the order of the rows, through the same transaction', async () => {
    const input = [PROJECT_INPUT, { ...PROJECT_INPUT, title: 'Importerat' }];
    const { data, added } = await audited('mutation($input: [ProjectInput!]!) { importProjects(municipality: "1480", input: $input) { projects { id } } }', { input });
    const ids = data.importProjects.projects.map((p: { id: string }) => p.id);
    expect(added).toEqual([
      expect.objectContaining({ ...actor, operation: 'importProjects', entityType: 'Project', entityId: ids[0], before: null, after: PROJECT_DOC }),
      expect.objectContaining({ ...actor, operation: 'importProjects', entityType: 'Project', entityId: ids[1], before: null, after: { ...PROJECT_DOC, title: 'Importerat' } }),
    ]);
  });

  it('every one of the contract mutations has written audit rows', async () => {
    const operations = new Set((await page()).nodes.map((n) => n.operation));
    const contract = buildSchema(readFileSync(CONTRACT_FILE, 'utf8').replace(/@\w+(\([^)]*\))?/g, '').replace(/^extend schema.*$/m, ''), { assumeValidSDL: true });
    expect([...operations].sort()).toEqual(Object.keys(contract.getMutationType()!.getFields()).sort());
  });
});

describe('a refused write writes no audit row', () => {
  const cases: Array<{ name: string; query: string; variables: () => Record<string, unknown>; token: () => Promise<string | undefined>; code: string }> = [
    { name: 'anonymous createProject', query: 'mutation($input: ProjectInput!) { createProject(input: $input) { id } }', variables: () => ({ input: PROJECT_INPUT }), token: async () => undefined, code: 'UNAUTHENTICATED' },
    {
      name: "another kommun's editor updating a membership",
      query: 'mutation($id: ID!) { updateMembership(id: $id, input: { forums: [] }) { id } }',
      variables: () => ({ id: seeded.membership }),
      token: () => h.editor('1481'),
      code: 'FORBIDDEN',
    },
    { name: 'a region editor deleting a twin town', query: 'mutation($id: ID!) { deleteTwinTown(id: $id) }', variables: () => ({ id: seeded.twinTown }), token: async () => regionEditor, code: 'FORBIDDEN' },
    {
      name: 'invalid input found inside the transaction (funding of an unknown programme)',
      query: 'mutation($input: ProjectInput!) { createProject(input: $input) { id } }',
      variables: () => ({ input: { ...PROJECT_INPUT, funding: [{ programme: 'NO-SUCH-PROGRAMME', amount: 1 }] } }),
      token: async () => editor,
      code: 'BAD_USER_INPUT',
    },
    { name: 'an unknown id', query: 'mutation { deleteProject(id: "1480:project:999999") }', variables: () => ({}), token: async () => editor, code: 'NOT_FOUND' },
    { name: 'a duplicate membership', query: 'mutation { createMembership(input: { municipality: "1480", network: "eurocities" }) { id } }', variables: () => ({}), token: async () => editor, code: 'BAD_USER_INPUT' },
  ];

  it.each(cases)('$name', async (c) => {
    const before = await snapshot(h);
    const { body } = await h.gql(c.query, c.variables(), await c.token());
    expect(body.errors?.[0].extensions?.code).toBe(c.code);
    expect(await snapshot(h)).toEqual(before);
  });

  it('when the audit row cannot be written, the write fails and changes nothing', async () => {
    await h.server.db.query(`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`);
    await h.server.db.query('CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()');
    const write = (token: string) => h.gql('mutation($id: ID!) { updateTwinTown(id: $id, input: { city: "Must not stick" }) { city } }', { id: seeded.twinTown }, token);
    try {
      const before = await snapshot(h);
      const { body } = await write(editor);
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(body.errors![0].message).not.toContain('audit refused');
      expect(await snapshot(h)).toEqual(before);
    } finally {
      await h.server.db.query('DROP TRIGGER refuse_audit ON audit_log');
      await h.server.db.query('DROP FUNCTION refuse_audit()');
    }
    // Without the trigger the same write goes through: the refusal above came from the audit insert.
    const { body } = await write(editor);
    expect(body.data.updateTwinTown.city).toBe('Must not stick');
  });
  it('a write that fails at commit, after its audit row was written, leaves neither', async () => {
    // A deferred constraint trigger fails the transaction at COMMIT, when the audit row is already in.
    await h.server.db.query(`CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$`);
    await h.server.db.query(
      'CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON twin_town DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()',
    );
    try {
      const before = await snapshot(h);
      const { body } = await h.gql('mutation { createTwinTown(input: { municipality: "1480", city: "Tartu", country: "EE" }) { id } }', {}, editor);
      expect(body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await snapshot(h)).toEqual(before);
    } finally {
      await h.server.db.query('DROP TRIGGER refuse_at_commit ON twin_town');
      await h.server.db.query('DROP FUNCTION refuse_at_commit()');
    }
  });
});

describe('nothing can change the audit log', () => {
  it('UPDATE, DELETE and TRUNCATE through SQL are refused with a clear message, even in replica mode', async () => {
    expect(await rows()).toBeGreaterThan(0);
    const before = await h.server.db.query('SELECT * FROM audit_log ORDER BY id');
    const client = new Client({ connectionString: h.database.url });
    await client.connect();
    try {
      for (const sql of [`UPDATE audit_log SET actor_subject = 'someone else'`, 'DELETE FROM audit_log', 'DELETE FROM audit_log WHERE false', 'TRUNCATE audit_log']) {
        await expect(client.query(sql)).rejects.toThrow(/audit_log is append-only: (UPDATE|DELETE|TRUNCATE) is refused/);
      }
      await client.query('SET session_replication_role = replica');
      await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/append-only: DELETE is refused/);
    } finally {
      await client.end();
    }
    expect(await h.server.db.query('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
  });

  it('no mutation of the contract is about the audit log, and there is none to call', async () => {
    const sdl = readFileSync(CONTRACT_FILE, 'utf8');
    const mutation = /type Mutation \{([\s\S]*?)\n\}/.exec(sdl)![1];
    expect(mutation).not.toMatch(/audit/i);
    const { body } = await h.gql('mutation { deleteAuditLog(municipality: "1480") }', {}, editor);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('audit rows announce no project change; only the project tables do', async () => {
    const client = new Client({ connectionString: h.database.url });
    const seen: Array<{ kind: string; local: number }> = [];
    await client.connect();
    try {
      client.on('notification', (n) => seen.push(JSON.parse(n.payload!)));
      await client.query('LISTEN samverkan_project_changed');
      // A membership write adds an audit row and nothing to the project tables; then a project write.
      await audited('mutation($id: ID!) { updateMembership(id: $id, input: { forums: ["media"] }) { id } }', { id: seeded.membership });
      const { data } = await audited('mutation($input: ProjectInput!) { createProject(input: $input) { id } }', { input: PROJECT_INPUT });
      for (let i = 0; i < 200 && !seen.length; i++) await new Promise((r) => setTimeout(r, 25));
      // Notifications arrive in commit order: the first is the project's, so the earlier writes said nothing.
      expect(seen[0]).toEqual(expect.objectContaining({ kind: 'CREATED', local: Number(data.createProject.id.split(':')[2]) }));
      expect(seen).toHaveLength(1);
    } finally {
      await client.end();
    }
  });
});

describe('who may read the log', () => {
  const read = (token?: string, code = '1480') => postGraphQL(h.url, AUDIT_LOG, { m: code, first: 1 }, token ? { authorization: `Bearer ${token}` } : {});

  it("the kommun's own editor and a region editor read it", async () => {
    for (const token of [editor, await h.editor('1480'), regionEditor]) {
      const { body } = await read(token);
      expect(body.errors).toBeUndefined();
      expect(body.data.auditLog.nodes).toHaveLength(1);
    }
  });

  it('anonymous callers are UNAUTHENTICATED; a refused token says why', async () => {
    const anonymous = (await read()).body;
    expect(anonymous.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(anonymous.errors[0].message).toMatch(/audit log needs a token.*an editor of kommun 1480 or a region editor/);
    expect(anonymous.data).toBeNull();
    const expired = (await read(await h.token({ role: 'kommun-editor', subject: 'e', municipality: '1480' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }))).body;
    expect(expired.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(expired.errors[0].message).toMatch(/expired/);
  });

  it("another kommun's editor is FORBIDDEN, even on an instance that serves both", async () => {
    const { body } = await read(await h.editor('1481'));
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0].message).toBe("You are an editor of kommun 1481; only an editor of kommun 1480 or a region editor may read kommun 1480's audit log.");
    expect(body.data).toBeNull();
  });

  it("a combined instance keeps each kommun's log to itself", async () => {
    const other = await h.editor('1481');
    const { body } = await h.gql('mutation { createTwinTown(input: { municipality: "1481", city: "Oulu", country: "FI" }) { id } }', {}, other);
    expect(body.errors).toBeUndefined();
    const theirs = await page({}, other, '1481');
    expect(theirs.nodes.map((n) => [n.entityId, n.municipality.code, n.actorMunicipality])).toEqual([[body.data.createTwinTown.id, '1481', '1481']]);
    expect((await page()).nodes.every((n) => n.municipality.code === '1480')).toBe(true);
  });

  it('a malformed kommunkod or one this instance does not serve is BAD_USER_INPUT', async () => {
    const malformed = (await read(regionEditor, '14800')).body;
    expect(malformed.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(malformed.errors[0].message).toContain('municipality: must be a 4-digit SCB kommunkod');
    const elsewhere = (await read(regionEditor, '1401')).body;
    expect(elsewhere.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(elsewhere.errors[0].message).toContain('kommun 1401 is not served by this subgraph');
  });
});

describe('paging and filters', () => {
  it('walks the whole log newest first, page by page, with cursors that stay valid while entries are added', async () => {
    const all = (await page()).nodes.map((n) => n.id);
    expect(all.length).toBeGreaterThan(10);
    expect(all.map(Number)).toEqual([...all.map(Number)].sort((a, b) => b - a));
    const walked: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 50; i++) {
      const p = await page({ first: 3, after });
      walked.push(...p.nodes.map((n) => n.id));
      expect(p.edges.map((e) => e.node.id)).toEqual(p.nodes.map((n) => n.id));
      if (i === 1) {
        // A write between two pages comes first in the log, and does not shift the pages after the cursor.
        await audited('mutation($id: ID!) { updateTwinTown(id: $id, input: { focus: ["idrott"] }) { id } }', { id: seeded.twinTown });
      }
      if (!p.pageInfo.hasNextPage) break;
      expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)!.cursor);
      after = p.pageInfo.endCursor!;
    }
    expect(walked).toEqual(all);
    expect((await page({ first: 1 })).nodes[0].operation).toBe('updateTwinTown');
  });

  it('refuses a cursor it did not issue, and a page size out of bounds', async () => {
    for (const after of ['not-a-cursor', Buffer.from(JSON.stringify(['audit', '99999999999999999999'])).toString('base64url'), Buffer.from('["START_DATE","DESC","2020-01-01","1480",1]').toString('base64url')]) {
      const { body } = await h.gql(AUDIT_LOG, { m: '1480', after }, editor);
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toContain('after: the cursor is not one this audit log issued');
    }
    expect((await h.gql(AUDIT_LOG, { m: '1480', first: 101 }, editor)).body.errors[0].extensions.code).toBe('PAGE_SIZE_EXCEEDED');
    expect((await h.gql(AUDIT_LOG, { m: '1480', first: -1 }, editor)).body.errors[0].extensions.code).toBe('PAGE_SIZE_EXCEEDED');
    const empty = await page({ first: 0 });
    expect(empty.nodes).toEqual([]);
  });

  it('filters by entity type, entity, writer, operation and time, every criterion at once', async () => {
    const all = (await page()).nodes;
    const only = async (filter: Record<string, unknown>) => (await page({ filter })).nodes.map((n) => n.id);
    const ids = (pred: (n: Entry) => boolean) => all.filter(pred).map((n) => n.id);

    expect(await only({ entityType: 'TwinTown' })).toEqual(ids((n) => n.entityType === 'TwinTown'));
    expect(await only({ entityId: seeded.twinTown })).toEqual(ids((n) => n.entityId === seeded.twinTown));
    expect(await only({ operation: 'deleteProject' })).toEqual(ids((n) => n.operation === 'deleteProject'));
    expect(await only({ actorSubject: 'intl-office-1480' })).toEqual(ids((n) => n.actorSubject === 'intl-office-1480'));
    expect(await only({ actorSubject: 'editor-1480' })).toEqual(ids((n) => n.actorSubject === 'editor-1480'));
    expect(await only({ actorSubject: 'nobody' })).toEqual([]);
    expect(await only({ entityType: 'Project', operation: 'updateProject' })).toEqual(ids((n) => n.entityType === 'Project' && n.operation === 'updateProject'));
    expect((await only({ entityType: 'Project', operation: 'updateProject' })).length).toBe(2);

    // since is inclusive, until exclusive: an entry's own time selects it and only what shares it.
    const middle = all[Math.floor(all.length / 2)];
    const at = middle.at;
    expect(await only({ since: at })).toEqual(ids((n) => n.at >= at));
    expect(await only({ until: at })).toEqual(ids((n) => n.at < at));
    const next = new Date(new Date(at).getTime() + 1).toISOString();
    expect(await only({ since: at, until: next })).toContain(middle.id);
  });

  it('a filter that cannot match anything real is refused, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ entityType: 'Spaceship' }, 'filter.entityType: must be one of Project, Membership, TwinTown, Strategy'],
      [{ operation: 'dropTables' }, 'filter.operation: must be the name of a mutation'],
      [{ since: '2025-01-02T00:00:00Z', until: '2025-01-01T00:00:00Z' }, 'filter.until: must be after filter.since'],
      [{ entityId: '' }, 'filter.entityId'],
    ];
    for (const [filter, message] of cases) {
      const { body } = await h.gql(AUDIT_LOG, { m: '1480', filter }, editor);
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(body.errors[0].message).toContain(message);
    }
  });
});
