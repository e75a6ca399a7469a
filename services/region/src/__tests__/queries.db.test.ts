import { CATALOGUE_FILE, readJson, startRegion, type RegionHarness } from './harness';

const catalogue = readJson(CATALOGUE_FILE);

let h: RegionHarness;
beforeAll(async () => {
  h = await startRegion();
});
afterAll(() => h.stop());

async function read(query: string, variables?: Record<string, unknown>): Promise<any> {
  const { body } = await h.gql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('reading the region', () => {
  it('municipality(code) answers a member, null for a non-member, and BAD_USER_INPUT for a malformed code', async () => {
    expect((await read('{ municipality(code: "1384") { name county } }')).municipality).toEqual({ name: 'Kungsbacka', county: 'Hallands län' });
    expect((await read('{ municipality(code: "0583") { name } }')).municipality).toBeNull();
    const { body } = await h.gql('{ municipality(code: "Göteborg") { name } }');
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'code' }] });
    expect(body.errors[0].message).toMatch(/code: must be a 4-digit SCB kommunkod/);
  });

  it('looks catalogue entries up by key, null for unknown or malformed keys', async () => {
    const data = await read(`{
      developmentArea(code: "BRUSSELS-INFO") { name nameEn order }
      network(id: "eurocities") { name founded memberCount countries forums }
      fundingProgramme(code: "SIDA") { name fund period }
      jointInitiative(id: "eu-handslag") { name lead partners programme { code } developmentAreas { code } }
      unknownArea: developmentArea(code: "NOPE") { code }
      malformedNetwork: network(id: "not an id") { id }
    }`);
    const eurocities = catalogue.networks.find((n: { id: string }) => n.id === 'eurocities');
    expect(data.developmentArea).toEqual({ name: 'Förhandsinformation i Bryssel', nameEn: 'Early information in Brussels', order: 5 });
    expect(data.network).toEqual({ name: 'Eurocities', founded: 1986, memberCount: eurocities.memberCount, countries: eurocities.countries, forums: eurocities.forums });
    expect(data.fundingProgramme).toEqual({ name: 'Sida – stöd till kommunala partnerskap', fund: 'NATIONAL', period: null });
    expect(data.jointInitiative).toEqual({
      name: 'EU-handslag',
      lead: 'GR och Göteborgs Stad',
      partners: ['Västra Götalandsregionen'],
      programme: null,
      developmentAreas: [{ code: 'EU-NETWORKS' }, { code: 'EU-COMPETENCE' }],
    });
    expect(data.unknownArea).toBeNull();
    expect(data.malformedNetwork).toBeNull();
  });

  it('lists the catalogues: areas in order, programmes filtered by fund', async () => {
    const data = await read('{ developmentAreas { code } fundingProgrammes { code } esf: fundingProgrammes(fund: ESF) { code fund } networks { id } jointInitiatives { id } }');
    expect(data.developmentAreas.map((a: { code: string }) => a.code)).toEqual(catalogue.agreements[0].developmentAreas);
    expect(data.fundingProgrammes).toHaveLength(catalogue.fundingProgrammes.length);
    const esf = catalogue.fundingProgrammes.filter((p: { fund: string }) => p.fund === 'ESF').map((p: { code: string }) => ({ code: p.code, fund: 'ESF' }));
    expect(data.esf).toEqual(esf);
    expect(data.networks).toHaveLength(catalogue.networks.length);
    expect(data.jointInitiatives).toHaveLength(catalogue.jointInitiatives.length);
  });

  it('GET /health names the region while the database answers', async () => {
    const res = await fetch(h.url.replace('/graphql', '/health'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', region: 'gr' });
  });
});
