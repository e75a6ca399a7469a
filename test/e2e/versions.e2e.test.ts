import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@samverkan/region-runner';
import { startIndependentKommun } from '../fixtures/independent-kommun/server';
import { eventually, startE2ERegion, type E2ERegion } from './harness';

/**
 * A member on an older version of the contract (an older minor, or, where its schema accepts every
 * request the gateway sends, an older major) joins the region: the gateway asks it
 * nothing its version lacks, names it as missing where an answer needs what it lacks, and keeps
 * every other answer exact. The member is the contract's independent implementation (no code
 * shared with services/kommun), serving version 1.0's SDL from schema/contract/ and announcing it.
 */
let region: E2ERegion;
let older: Awaited<ReturnType<typeof startIndependentKommun>>;
let olderEditor: string;
let previous: Awaited<ReturnType<typeof startIndependentKommun>>;
const CODE = '0583';
/** A member on 1.2, the minor before the date range filters (its SDL announces 1.2 itself). */
const PREVIOUS = '0584';

beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 3 });
  // The gateway passes a write's token on to the kommun that owns it: the fixture expects that token.
  olderEditor = await region.token({ role: 'kommun-editor', subject: 'e2e-versions', municipality: CODE });
  older = await startIndependentKommun({ code: CODE, token: olderEditor, contractFile: join(REPO_ROOT, 'schema/contract/kommun-v1.0.graphql'), announce: '1.0' });
  const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-versions' });
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: CODE, name: 'Motala', county: 'Östergötlands län', subgraphUrl: older.url } }, regionEditor);
  previous = await startIndependentKommun({ code: PREVIOUS, token: 'editor-of-0584', contractFile: join(REPO_ROOT, 'schema/contract/kommun-v1.2.graphql') });
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: PREVIOUS, name: 'Vadstena', county: 'Östergötlands län', subgraphUrl: previous.url } }, regionEditor);
  await eventually('the older members active', async () => {
    const members = (await region.health()).members;
    return [CODE, PREVIOUS].every((code) => members.find((m: any) => m.code === code && m.state === 'active'));
  });
}, 120_000);
afterAll(async () => {
  await previous?.stop();
  await older?.stop();
  await region?.stop();
});

it('joins, with the version it announces and what that version lacks shown to the region', async () => {
  const member = (await region.health()).members.find((m: any) => m.code === CODE);
  expect(member).toMatchObject({ state: 'active', contractVersion: '1.0' });
  expect(member.lacks).toEqual(expect.arrayContaining(['Query.auditLog']));
});

it('answers whatever its version has, exactly, alongside the current members', async () => {
  const query = '{ projects(filter: { municipalities: ["0583", "1480"] }, first: 100) { totalCount nodes { id } } }';
  const { body } = await region.gql(query);
  expect(body.errors).toBeUndefined();
  const own = await region.gql(`{ mine: projects(filter: { municipalities: ["${CODE}"] }, first: 100) { totalCount } gbg: projects(filter: { municipalities: ["1480"] }, first: 100) { totalCount } }`);
  expect(body.data.projects.totalCount).toBe(own.body.data.mine.totalCount + own.body.data.gbg.totalCount);
  expect(own.body.data.mine.totalCount).toBeGreaterThan(0);
});

it('is a named hole where an answer needs what its version lacks, not the error its schema would give', async () => {
  const token = await region.token({ role: 'region-editor', subject: 'e2e-versions' });
  const { body } = await region.gql(`{ auditLog(municipality: "${CODE}", first: 1) { nodes { id } } }`, undefined, token);
  expect(body.errors).toEqual([
    expect.objectContaining({
      path: ['auditLog'],
      extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: CODE, reason: expect.stringMatching(/implements contract version 1\.0, which has no Query\.auditLog/) }),
    }),
  ]);
  expect(body.extensions.missingMunicipalities).toEqual([{ code: CODE, name: 'Motala' }]);
  // The same field of a current member answers.
  const current = await region.gql('{ auditLog(municipality: "1480", first: 1) { nodes { id } } }', undefined, token);
  expect(current.body.errors).toBeUndefined();
});

describe('the date range filters of 1.3, asked of members on 1.0 and 1.2', () => {
  const members = { [CODE]: 'Motala', [PREVIOUS]: 'Vadstena' };

  it.each([
    ['written in the operation', '{ projects(filter: { activeDuring: { from: "2020-01-01" } }, first: 100) { totalCount nodes { id } } }', undefined],
    ['in a variable', 'query ($f: ProjectFilter) { projects(filter: $f, first: 100) { totalCount nodes { id } } }', { f: { startDate: { to: '2030-12-31' } } }],
  ])('a fetch using one %s is a named hole for each, and the rest of the region answers', async (_, query, variables) => {
    const { body } = await region.gql(query, variables);
    const holes = (body.errors ?? []).filter((e: any) => e.extensions?.code === 'MUNICIPALITY_UNAVAILABLE');
    expect(holes.map((e: any) => e.extensions.municipality).sort()).toEqual([CODE, PREVIOUS]);
    for (const e of holes) {
      expect(e.extensions.reason).toMatch(/implements contract version 1\.[02], which has no .*ProjectFilter\.(activeDuring|startDate)/);
    }
    expect((body.errors ?? []).filter((e: any) => e.extensions?.code !== 'MUNICIPALITY_UNAVAILABLE')).toEqual([]);
    expect(body.extensions.missingMunicipalities).toEqual(Object.entries(members).map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code)));
    // The current members' projects are all there: the same list asked of them alone.
    const currentCodes = (await region.health()).members.filter((m: any) => !(m.code in members)).map((m: any) => m.code);
    const filter = variables ? variables.f : { activeDuring: { from: '2020-01-01' } };
    const alone = await region.gql('query ($f: ProjectFilter) { projects(filter: $f, first: 100) { totalCount } }', { f: { ...filter, municipalities: currentCodes } });
    expect(alone.body.errors).toBeUndefined();
    expect(body.data.projects.totalCount).toBe(alone.body.data.projects.totalCount);
    expect(body.data.projects.totalCount).toBeGreaterThan(0);
  });

  it('a list without them still reaches the older members', async () => {
    const { body } = await region.gql(`{ projects(filter: { municipalities: ["${PREVIOUS}"], activeOn: "2024-06-01" }, first: 0) { totalCount } }`);
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.missingMunicipalities ?? []).toEqual([]);
  });
});

describe('contract 2.0, whose create inputs require what 1.x left optional', () => {
  it('a 1.0 member still serves writes: a create the gateway sends under 2.0 is one its optional inputs accept', async () => {
    const { body } = await region.gql(
      'mutation ($i: ProjectInput!) { createProject(input: $i) { id title status startDate municipality { code } } }',
      { i: { municipality: CODE, title: 'Skrivet under 2.0', status: 'PLANNED', startDate: '2027-03-01' } },
      olderEditor,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.createProject).toMatchObject({ id: expect.stringMatching(/^0583:project:\d+$/), title: 'Skrivet under 2.0', status: 'PLANNED', startDate: '2027-03-01', municipality: { code: CODE } });
    expect(older.store.projects.some((p) => p.title === 'Skrivet under 2.0')).toBe(true);
  });

  it('a member whose schema would refuse what the gateway sends (a create input it requires more of) is refused, saying which field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-versions-'));
    const file = join(dir, 'strict.graphql');
    const v13 = readFileSync(join(REPO_ROOT, 'schema/contract/kommun-v1.3.graphql'), 'utf8');
    const strictSdl = v13.replace(/(input ProjectInput \{[^}]*\n {2}department: )String\n/, '$1String!\n');
    expect(strictSdl).not.toBe(v13);
    writeFileSync(file, strictSdl);
    const strict = await startIndependentKommun({ code: '0586', token: 'editor-of-0586', contractFile: file });
    const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-versions' });
    try {
      await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: '0586', name: 'Mjölby', county: 'Östergötlands län', subgraphUrl: strict.url } }, regionEditor);
      const member = await eventually('the strict member refused', async () => (await region.health()).members.find((m: any) => m.code === '0586' && m.state === 'refused'));
      expect(member.contractVersion).toBe('1.3');
      expect(member.problems).toEqual([expect.stringMatching(/ProjectInput\.department.*String!.*would refuse or misanswer what the gateway sends under contract 2\.0/)]);
      const { body } = await region.gql('{ projects(filter: { municipalities: ["0586"] }, first: 1) { totalCount } }');
      expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0586', reason: expect.stringMatching(/refused: its schema breaks the contract/) }) })]);
    } finally {
      await region.gql('mutation { removeMember(code: "0586") }', {}, regionEditor);
      await strict.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
