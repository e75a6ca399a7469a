import { join } from 'node:path';
import { REPO_ROOT } from '@samverkan/region-runner';
import { startIndependentKommun } from '../fixtures/independent-kommun/server';
import { eventually, startE2ERegion, type E2ERegion } from './harness';

/**
 * A member on an older minor version of the contract joins the region: the gateway asks it
 * nothing its version lacks, names it as missing where an answer needs what it lacks, and keeps
 * every other answer exact. The member is the contract's independent implementation (no code
 * shared with services/kommun), serving version 1.0's SDL from schema/contract/ and announcing it.
 */
let region: E2ERegion;
let older: Awaited<ReturnType<typeof startIndependentKommun>>;
const CODE = '0583';

beforeAll(async () => {
  region = await startE2ERegion({ syntheticProjects: 3 });
  older = await startIndependentKommun({ code: CODE, token: 'editor-of-0583', contractFile: join(REPO_ROOT, 'schema/contract/kommun-v1.0.graphql'), announce: '1.0' });
  const regionEditor = await region.token({ role: 'region-editor', subject: 'e2e-versions' });
  await region.gql('mutation($i: MemberInput!) { upsertMember(input: $i) { code } }', { i: { code: CODE, name: 'Motala', county: 'Östergötlands län', subgraphUrl: older.url } }, regionEditor);
  await eventually('the older member active', async () => (await region.health()).members.find((m: any) => m.code === CODE && m.state === 'active'));
}, 120_000);
afterAll(async () => {
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
