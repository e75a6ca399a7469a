import { snapshot, startRegion, type RegionHarness } from './harness';

/**
 * Every write mutation, with good input (read back through the public queries) and with bad
 * input (a clear error naming the field, and not one row of the database changed).
 */

let h: RegionHarness;
let editor: string;
beforeAll(async () => {
  h = await startRegion();
  editor = await h.regionEditor();
});
afterAll(() => h.stop());

const MEMBER = 'code name officialName county population subgraphUrl';
const AREA = 'code name nameEn order agreement { id }';
const NETWORK = 'id name founded memberCount countries description forums';
const PROGRAMME = 'code name fund period';
const INITIATIVE = 'id name description started programme { code } developmentAreas { code } lead partners';

const UPSERT_MEMBER = `mutation($input: MemberInput!) { upsertMember(input: $input) { ${MEMBER} } }`;
const REMOVE_MEMBER = 'mutation($code: ID!) { removeMember(code: $code) }';
const UPSERT_AREA = `mutation($input: DevelopmentAreaInput!) { upsertDevelopmentArea(input: $input) { ${AREA} } }`;
const DELETE_AREA = 'mutation($code: ID!) { deleteDevelopmentArea(code: $code) }';
const UPSERT_NETWORK = `mutation($input: NetworkInput!) { upsertNetwork(input: $input) { ${NETWORK} } }`;
const DELETE_NETWORK = 'mutation($id: ID!) { deleteNetwork(id: $id) }';
const UPSERT_PROGRAMME = `mutation($input: FundingProgrammeInput!) { upsertFundingProgramme(input: $input) { ${PROGRAMME} } }`;
const DELETE_PROGRAMME = 'mutation($code: ID!) { deleteFundingProgramme(code: $code) }';
const UPSERT_INITIATIVE = `mutation($input: JointInitiativeInput!) { upsertJointInitiative(input: $input) { ${INITIATIVE} } }`;
const DELETE_INITIATIVE = 'mutation($id: ID!) { deleteJointInitiative(id: $id) }';

/** Runs a write as a region editor and expects it to succeed. */
async function write(query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await h.gql(query, variables, editor);
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function read(query: string, variables?: Record<string, unknown>): Promise<any> {
  const { body } = await h.gql(query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const agreementAreas = async (): Promise<string[]> =>
  (await read('{ agreements { id developmentAreas { code } } }')).agreements[0].developmentAreas.map((a: { code: string }) => a.code);

describe('the member registry', () => {
  const nykommun = { code: '1499', name: 'Nykommun', officialName: 'Nykommuns kommun', county: 'Västra Götalands län', population: 1000, subgraphUrl: 'https://nykommun.example.org/graphql' };

  it('upsertMember adds a kommun, and the region counts it', async () => {
    const before = (await read('{ region { population members { code } } }')).region;
    expect((await write(UPSERT_MEMBER, { input: nykommun })).upsertMember).toEqual(nykommun);
    const after = (await read('query($c: ID!) { region { population members { code } } municipality(code: $c) { ' + MEMBER + ' } }', { c: '1499' }));
    expect(after.municipality).toEqual(nykommun);
    expect(after.region.members).toHaveLength(before.members.length + 1);
    expect(after.region.population).toBe(before.population + 1000);
  });

  it('upsertMember replaces an entry: omitted fields are cleared, the joining date stays', async () => {
    const [{ joined_at: joined }] = await h.server.db.query(`SELECT joined_at FROM member WHERE code = '1499'`);
    const replaced = { code: '1499', name: 'Nykommun', county: 'Hallands län' };
    expect((await write(UPSERT_MEMBER, { input: replaced })).upsertMember).toEqual({ ...replaced, officialName: null, population: null, subgraphUrl: null });
    expect(await h.server.db.query(`SELECT joined_at FROM member WHERE code = '1499'`)).toEqual([{ joined_at: joined }]);
    const local = { ...nykommun, subgraphUrl: 'http://localhost:4199/graphql' };
    expect((await write(UPSERT_MEMBER, { input: local })).upsertMember.subgraphUrl).toBe('http://localhost:4199/graphql');
  });

  it('removeMember removes a kommun and answers its code', async () => {
    expect((await write(REMOVE_MEMBER, { code: '1499' })).removeMember).toBe('1499');
    expect((await read('{ municipality(code: "1499") { code } }')).municipality).toBeNull();
    expect((await read('{ municipalities { code } }')).municipalities).toHaveLength(13);
  });
});

describe('development areas', () => {
  it('upsertDevelopmentArea creates an area, and its agreement lists it last', async () => {
    const input = { code: 'EU-YOUTH', name: 'Unga och EU', nameEn: 'Youth and the EU', order: 7, agreement: 'gr-goteborg-2014' };
    expect((await write(UPSERT_AREA, { input })).upsertDevelopmentArea).toEqual({ ...input, agreement: { id: 'gr-goteborg-2014' } });
    expect(await agreementAreas()).toEqual(['EU-FUNDS', 'EU-ADVOCACY', 'EU-COMPETENCE', 'EU-PARTNERS', 'BRUSSELS-INFO', 'EU-NETWORKS', 'EU-YOUTH']);
    expect((await read('{ developmentArea(code: "EU-YOUTH") { name } }')).developmentArea).toEqual({ name: 'Unga och EU' });
  });

  it('upsertDevelopmentArea without an agreement takes the area off the agreement', async () => {
    const input = { code: 'EU-YOUTH', name: 'Unga i Europa' };
    expect((await write(UPSERT_AREA, { input })).upsertDevelopmentArea).toEqual({ ...input, nameEn: null, order: null, agreement: null });
    expect(await agreementAreas()).not.toContain('EU-YOUTH');
    const areas = (await read('{ developmentAreas { code } }')).developmentAreas.map((a: { code: string }) => a.code);
    expect(areas[areas.length - 1]).toBe('EU-YOUTH'); // no order: last
  });

  it('deleteDevelopmentArea deletes an area nothing names', async () => {
    expect((await write(DELETE_AREA, { code: 'EU-YOUTH' })).deleteDevelopmentArea).toBe('EU-YOUTH');
    expect((await read('{ developmentArea(code: "EU-YOUTH") { code } }')).developmentArea).toBeNull();
  });
});

describe('networks', () => {
  const input = { id: 'polis', name: 'POLIS', founded: 1989, memberCount: 100, countries: 20, description: 'Cities and regions for transport innovation.', forums: ['mobilitet', 'klimat'] };

  it('upsertNetwork creates and replaces a network', async () => {
    expect((await write(UPSERT_NETWORK, { input })).upsertNetwork).toEqual(input);
    const replaced = { id: 'polis', name: 'POLIS network' };
    expect((await write(UPSERT_NETWORK, { input: replaced })).upsertNetwork).toEqual({
      ...replaced,
      founded: null,
      memberCount: null,
      countries: null,
      description: null,
      forums: [],
    });
    expect((await read('{ network(id: "polis") { name } }')).network).toEqual({ name: 'POLIS network' });
  });

  it('deleteNetwork deletes it', async () => {
    expect((await write(DELETE_NETWORK, { id: 'polis' })).deleteNetwork).toBe('polis');
    expect((await read('{ network(id: "polis") { id } }')).network).toBeNull();
  });
});

describe('funding programmes', () => {
  it('upsertFundingProgramme creates and replaces a programme, and the fund filter finds it', async () => {
    const input = { code: 'JTF-2021-2027', name: 'Fonden för en rättvis omställning', fund: 'JTF', period: '2021-2027' };
    expect((await write(UPSERT_PROGRAMME, { input })).upsertFundingProgramme).toEqual(input);
    expect((await read('{ fundingProgrammes(fund: JTF) { code } }')).fundingProgrammes).toEqual([{ code: 'JTF-2021-2027' }]);
    const moved = { ...input, fund: 'OTHER', period: '2021' };
    expect((await write(UPSERT_PROGRAMME, { input: moved })).upsertFundingProgramme).toEqual(moved);
    expect((await read('{ fundingProgrammes(fund: JTF) { code } }')).fundingProgrammes).toEqual([]);
  });

  it('deleteFundingProgramme deletes a programme no initiative names', async () => {
    expect((await write(DELETE_PROGRAMME, { code: 'JTF-2021-2027' })).deleteFundingProgramme).toBe('JTF-2021-2027');
    expect((await read('{ fundingProgramme(code: "JTF-2021-2027") { code } }')).fundingProgramme).toBeNull();
  });
});

describe('joint initiatives', () => {
  const input = {
    id: 'eu-lab',
    name: 'EU-labbet',
    description: 'Gemensam kompetensutveckling.',
    started: 2024,
    programme: 'ESFPLUS-2021-2027',
    developmentAreas: ['EU-COMPETENCE', 'EU-FUNDS'],
    lead: 'GR',
    partners: ['Västra Götalandsregionen'],
  };

  it('upsertJointInitiative creates and replaces an initiative', async () => {
    expect((await write(UPSERT_INITIATIVE, { input })).upsertJointInitiative).toEqual({
      ...input,
      programme: { code: 'ESFPLUS-2021-2027' },
      developmentAreas: [{ code: 'EU-COMPETENCE' }, { code: 'EU-FUNDS' }],
    });
    const replaced = { id: 'eu-lab', name: 'EU-labbet 2' };
    expect((await write(UPSERT_INITIATIVE, { input: replaced })).upsertJointInitiative).toEqual({
      ...replaced,
      description: null,
      started: null,
      programme: null,
      developmentAreas: [],
      lead: null,
      partners: [],
    });
  });

  it('deleteJointInitiative deletes it', async () => {
    expect((await write(DELETE_INITIATIVE, { id: 'eu-lab' })).deleteJointInitiative).toBe('eu-lab');
    expect((await read('{ jointInitiative(id: "eu-lab") { id } }')).jointInitiative).toBeNull();
  });
});

interface BadCase {
  name: string;
  query: string;
  variables: Record<string, unknown>;
  /** The field the error must name. */
  field: string;
  code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';
}

const member = { code: '1499', name: 'Nykommun', county: 'Västra Götalands län' };
const area = { code: 'EU-NEW', name: 'Nytt område' };
const network = { id: 'new-network', name: 'New network' };
const programme = { code: 'NEW-PROGRAMME', name: 'Nytt program', fund: 'ESF' };
const initiative = { id: 'new-initiative', name: 'Ny satsning' };
const bad = (name: string, query: string, variables: Record<string, unknown>, field: string, code: BadCase['code'] = 'BAD_USER_INPUT'): BadCase => ({
  name,
  query,
  variables,
  field,
  code,
});

const badCases: BadCase[] = [
  bad('upsertMember: a 3-digit code', UPSERT_MEMBER, { input: { ...member, code: '148' } }, 'code'),
  bad('upsertMember: an empty name', UPSERT_MEMBER, { input: { ...member, name: '' } }, 'name'),
  bad('upsertMember: a blank name', UPSERT_MEMBER, { input: { ...member, name: '   ' } }, 'name'),
  bad('upsertMember: no county', UPSERT_MEMBER, { input: { ...member, county: undefined } }, 'county'),
  bad('upsertMember: a negative population', UPSERT_MEMBER, { input: { ...member, population: -1 } }, 'population'),
  bad('upsertMember: an ftp subgraph URL', UPSERT_MEMBER, { input: { ...member, subgraphUrl: 'ftp://example.org/graphql' } }, 'subgraphUrl'),
  bad('upsertMember: a subgraph URL that is no URL', UPSERT_MEMBER, { input: { ...member, subgraphUrl: 'kommun 1499' } }, 'subgraphUrl'),
  bad('removeMember: a malformed code', REMOVE_MEMBER, { code: '14800' }, 'code'),
  bad('removeMember: a kommun that is no member', REMOVE_MEMBER, { code: '0583' }, 'code', 'NOT_FOUND'),

  bad('upsertDevelopmentArea: a code with a space', UPSERT_AREA, { input: { ...area, code: 'EU NEW' } }, 'code'),
  bad('upsertDevelopmentArea: a code starting with a dash', UPSERT_AREA, { input: { ...area, code: '-EU' } }, 'code'),
  bad('upsertDevelopmentArea: a code of 65 characters', UPSERT_AREA, { input: { ...area, code: 'A'.repeat(65) } }, 'code'),
  bad('upsertDevelopmentArea: a name of 301 characters', UPSERT_AREA, { input: { ...area, name: 'n'.repeat(301) } }, 'name'),
  bad('upsertDevelopmentArea: order 0', UPSERT_AREA, { input: { ...area, order: 0 } }, 'order'),
  bad('upsertDevelopmentArea: an unknown agreement', UPSERT_AREA, { input: { ...area, agreement: 'no-such-agreement' } }, 'agreement'),
  // Replacing an existing area with an unknown agreement must not touch the area or its agreement.
  bad('upsertDevelopmentArea: moving an area to an unknown agreement', UPSERT_AREA, { input: { code: 'EU-FUNDS', name: 'x', agreement: 'nope' } }, 'agreement'),
  bad('deleteDevelopmentArea: a malformed code', DELETE_AREA, { code: 'EU FUNDS' }, 'code'),
  bad('deleteDevelopmentArea: an unknown code', DELETE_AREA, { code: 'EU-NOWHERE' }, 'code', 'NOT_FOUND'),
  bad('deleteDevelopmentArea: an area the agreement and initiatives name', DELETE_AREA, { code: 'EU-FUNDS' }, 'code', 'CONFLICT'),

  bad('upsertNetwork: a malformed id', UPSERT_NETWORK, { input: { ...network, id: 'new network' } }, 'id'),
  bad('upsertNetwork: founded in year 99', UPSERT_NETWORK, { input: { ...network, founded: 99 } }, 'founded'),
  bad('upsertNetwork: a negative member count', UPSERT_NETWORK, { input: { ...network, memberCount: -5 } }, 'memberCount'),
  bad('upsertNetwork: a forum twice', UPSERT_NETWORK, { input: { ...network, forums: ['kultur', 'kultur'] } }, 'forums'),
  bad('upsertNetwork: a blank forum', UPSERT_NETWORK, { input: { ...network, forums: [' '] } }, 'forums'),
  bad('deleteNetwork: a malformed id', DELETE_NETWORK, { id: '' }, 'id'),
  bad('deleteNetwork: an unknown id', DELETE_NETWORK, { id: 'no-such-network' }, 'id', 'NOT_FOUND'),

  bad('upsertFundingProgramme: a fund that does not exist', UPSERT_PROGRAMME, { input: { ...programme, fund: 'GOLD' } }, 'fund'),
  bad('upsertFundingProgramme: a period that is no year', UPSERT_PROGRAMME, { input: { ...programme, period: 'soon' } }, 'period'),
  bad('upsertFundingProgramme: a period that ends before it starts', UPSERT_PROGRAMME, { input: { ...programme, period: '2027-2021' } }, 'period'),
  bad('deleteFundingProgramme: an unknown code', DELETE_PROGRAMME, { code: 'NO-SUCH-PROGRAMME' }, 'code', 'NOT_FOUND'),
  bad('deleteFundingProgramme: a programme initiatives name', DELETE_PROGRAMME, { code: 'ESF-2014-2020' }, 'code', 'CONFLICT'),

  bad('upsertJointInitiative: an unknown programme', UPSERT_INITIATIVE, { input: { ...initiative, programme: 'NO-SUCH-PROGRAMME' } }, 'programme'),
  bad('upsertJointInitiative: an unknown second area', UPSERT_INITIATIVE, { input: { ...initiative, developmentAreas: ['EU-FUNDS', 'EU-NOWHERE'] } }, 'developmentAreas[1]'),
  bad('upsertJointInitiative: an area twice', UPSERT_INITIATIVE, { input: { ...initiative, developmentAreas: ['EU-FUNDS', 'EU-FUNDS'] } }, 'developmentAreas'),
  bad('upsertJointInitiative: a malformed area code', UPSERT_INITIATIVE, { input: { ...initiative, developmentAreas: ['EU FUNDS'] } }, 'developmentAreas'),
  bad('upsertJointInitiative: started in 1800', UPSERT_INITIATIVE, { input: { ...initiative, started: 1800 } }, 'started'),
  bad('upsertJointInitiative: a blank partner', UPSERT_INITIATIVE, { input: { ...initiative, partners: ['GR', ''] } }, 'partners'),
  bad('upsertJointInitiative: replacing one with an unknown area', UPSERT_INITIATIVE, { input: { id: 'gr-samsyn', name: 'x', developmentAreas: ['NOPE'] } }, 'developmentAreas[0]'),
  bad('deleteJointInitiative: an unknown id', DELETE_INITIATIVE, { id: 'no-such-initiative' }, 'id', 'NOT_FOUND'),
];

describe('bad input', () => {
  it.each(badCases)('$name: refused naming the field, nothing changed', async (c) => {
    const before = await snapshot(h);
    const { body } = await h.gql(c.query, c.variables, editor);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors;
    expect(error.extensions.code).toBe(c.code);
    expect(error.message).toContain(c.field.replace(/\[\d+\]$/, ''));
    if (c.code === 'BAD_USER_INPUT' && error.extensions.fields) {
      expect(error.extensions.fields.map((f: { field: string }) => f.field)).toContain(c.field);
    } else if (c.code !== 'BAD_USER_INPUT') {
      expect(error.extensions.field).toBe(c.field);
    }
    expect(body.data ?? null).toBeNull();
    expect(await snapshot(h)).toEqual(before);
  });
});
