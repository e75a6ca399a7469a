import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createTestDatabase } from '@samverkan/testing';
import { REPO_ROOT } from '../config';
import { connectAndMigrate, createDataSource } from '../data-source';
import { DataFileError, loadCatalogue, loadManifest, parseCatalogue, parseManifest, subgraphUrlsFrom } from '../manifest';
import { seedRegion, seedRegionIfEmpty } from '../seed';
import { CATALOGUE_FILE, GR_FILE, readJson, snapshot, startRegion, type RegionHarness } from './harness';

interface ManifestJson {
  id: string;
  name: string;
  populationYear: number;
  members: Array<{ code: string; name: string; population: number; port: number }>;
}

const gr = readJson<ManifestJson>(GR_FILE);
const catalogue = readJson(CATALOGUE_FILE);
const agreementJson = catalogue.agreements.find((a: { id: string }) => a.id === 'gr-goteborg-2014');

const REGION = `{ region { id name nameShort population populationYear
  members { code name officialName county population subgraphUrl }
  agreements { id title parties decided signed followUp developmentAreas { code order agreement { id } } } } }`;

let h: RegionHarness;
beforeAll(async () => {
  h = await startRegion({ seed: false });
});
afterAll(() => h.stop());

describe('seeding the region', () => {
  it('an unseeded database says so', async () => {
    const { body } = await h.gql('{ region { id } }');
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0].message).toMatch(/region:seed/);
  });

  it('from gr.json gives 13 members whose populations add up to the region\'s', async () => {
    const manifest = loadManifest(GR_FILE);
    const summary = await seedRegion(h.server.db, manifest, loadCatalogue(CATALOGUE_FILE), subgraphUrlsFrom(manifest, 'http://127.0.0.1:{port}/graphql'));
    expect(summary).toMatchObject({ region: 'gr', members: 13, developmentAreas: 6, agreements: 1 });

    const { body } = await h.gql(REGION);
    expect(body.errors).toBeUndefined();
    const region = body.data.region;
    expect(region).toMatchObject({ id: 'gr', name: gr.name, nameShort: 'GR', populationYear: gr.populationYear });
    expect(region.members).toHaveLength(13);
    expect(region.population).toBe(gr.members.reduce((sum, m) => sum + m.population, 0));
    expect(region.members.map((m: { code: string }) => m.code).sort()).toEqual(gr.members.map((m) => m.code).sort());
    const goteborg = gr.members.find((m) => m.code === '1480')!;
    expect(region.members.find((m: { code: string }) => m.code === '1480')).toEqual({
      code: '1480',
      name: 'Göteborg',
      officialName: 'Göteborgs Stad',
      county: 'Västra Götalands län',
      population: goteborg.population,
      subgraphUrl: `http://127.0.0.1:${goteborg.port}/graphql`,
    });
    // Swedish alphabetical order: Kungsbacka before Kungälv, Öckerö last.
    const names = region.members.map((m: { name: string }) => m.name);
    expect(names.indexOf('Kungsbacka')).toBeLessThan(names.indexOf('Kungälv'));
    expect(names[names.length - 1]).toBe('Öckerö');
  });

  it('gives the agreement of November 2014 its six development areas, in order', async () => {
    const { body } = await h.gql(REGION);
    const [agreement] = body.data.region.agreements;
    expect(agreement).toMatchObject({ id: 'gr-goteborg-2014', decided: '2014-11', signed: '2015-01', followUp: 'annual', parties: agreementJson.parties });
    expect(agreement.developmentAreas).toHaveLength(6);
    expect(agreement.developmentAreas.map((a: { code: string }) => a.code)).toEqual(agreementJson.developmentAreas);
    expect(agreement.developmentAreas.map((a: { order: number }) => a.order)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const area of agreement.developmentAreas) expect(area.agreement).toEqual({ id: 'gr-goteborg-2014' });
  });

  it('is idempotent: seeding again leaves every row as it was, joined_at included', async () => {
    const before = await snapshot(h);
    const manifest = loadManifest(GR_FILE);
    await seedRegion(h.server.db, manifest, loadCatalogue(CATALOGUE_FILE), subgraphUrlsFrom(manifest, 'http://127.0.0.1:{port}/graphql'));
    expect(await snapshot(h)).toEqual(before);
  });

  it('at start fills only an empty database, never one that holds a region', async () => {
    await h.server.db.query(`UPDATE member SET population = 1 WHERE code = '1480'`);
    const before = await snapshot(h);
    expect(await seedRegionIfEmpty(h.server.db, loadManifest(GR_FILE), loadCatalogue(CATALOGUE_FILE))).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });

  it('with another manifest replaces the region and its members', async () => {
    const examples = loadManifest(join(REPO_ROOT, 'schema/regions/examples.json'));
    await seedRegion(h.server.db, examples, loadCatalogue(CATALOGUE_FILE));
    const { body } = await h.gql('{ region { id population members { code subgraphUrl } } }');
    expect(body.data.region.id).toBe('examples');
    expect(body.data.region.members.map((m: { code: string }) => m.code).sort()).toEqual(['0583', '2081', '2180']);
    expect(body.data.region.members.every((m: { subgraphUrl: string | null }) => m.subgraphUrl === null)).toBe(true);
  });
});

describe('the data files are checked before anything is written', () => {
  function problemsOf(parse: () => unknown): string[] {
    try {
      parse();
    } catch (e) {
      if (e instanceof DataFileError) return e.problems;
      throw e;
    }
    return [];
  }

  it('names the path of each problem in a catalogue', () => {
    const broken = structuredClone(catalogue);
    broken.fundingProgrammes[0].fund = 'GOLD';
    expect(problemsOf(() => parseCatalogue(broken))).toEqual([expect.stringMatching(/^fundingProgrammes\.0\.fund: /)]);
    broken.fundingProgrammes[0].fund = 'ESF';
    broken.jointInitiatives[1].programme = 'NO-SUCH-PROGRAMME';
    broken.jointInitiatives[0].developmentAreas.push('NOWHERE');
    broken.developmentAreas[5].agreement = 'another-agreement';
    expect(problemsOf(() => parseCatalogue(broken))).toEqual([
      'developmentAreas.5.agreement: there is no agreement another-agreement',
      'agreements.0.developmentAreas.5: area EU-NETWORKS names another agreement',
      'jointInitiatives.0.developmentAreas.2: there is no development area NOWHERE',
      'jointInitiatives.1.programme: there is no funding programme NO-SUCH-PROGRAMME',
    ]);
  });

  it('names the path of each problem in a manifest', () => {
    const broken = structuredClone(gr) as any;
    broken.members[2].code = '148';
    broken.members.push({ ...broken.members[0] });
    expect(() => parseManifest(broken)).toThrow(/members\.2\.code: must be a 4-digit SCB kommunkod/);
    broken.members[2].code = '1480';
    expect(() => parseManifest(broken)).toThrow(/members: lists a kommunkod twice/);
  });
});

describe('npm run region:seed', () => {
  it('migrates and seeds DATABASE_URL, with subgraph URLs from KOMMUN_URL_TEMPLATE', async () => {
    const database = await createTestDatabase();
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'services/region/src/cli/seed.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: database.url, KOMMUN_URL_TEMPLATE: 'https://kommun-{code}.example.org:{port}/graphql', LOG_LEVEL: 'silent' },
      });
      expect(JSON.parse(stdout)).toMatchObject({ region: 'gr', members: 13 });
      const db = createDataSource({ url: database.url });
      await connectAndMigrate(db);
      const rows: Array<{ subgraph_url: string }> = await db.query(`SELECT subgraph_url FROM member WHERE code = '1480'`);
      await db.destroy();
      expect(rows).toEqual([{ subgraph_url: 'https://kommun-1480.example.org:4103/graphql' }]);
    } finally {
      await database.drop();
    }
  });
});
