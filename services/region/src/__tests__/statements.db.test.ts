import { startRegion, type RegionHarness } from './harness';

/**
 * The number of SQL statements a query costs must not grow with the number of items it returns:
 * each entity type is loaded by a per-request DataLoader, one statement per type and level.
 */
let h: RegionHarness;
const EXTRA = 120;
beforeAll(async () => {
  h = await startRegion();
  // Volume beyond the committed catalogue (synthetic): networks, and initiatives naming programmes and areas.
  await h.server.db.query(
    `INSERT INTO network (id, name, forums) SELECT 'synthetic-network-' || n, 'Synthetic network ' || n, ARRAY['forum ' || n]
     FROM generate_series(1, $1) AS n`,
    [EXTRA],
  );
  await h.server.db.query(
    `INSERT INTO joint_initiative (id, name, programme_code, development_areas, partners)
     SELECT 'synthetic-initiative-' || n, 'Synthetic initiative ' || n,
            (ARRAY['ESF-2014-2020','ESFPLUS-2021-2027','ERUF-VG-2021-2027','SIDA'])[1 + n % 4],
            CASE n % 3 WHEN 0 THEN ARRAY['EU-FUNDS','EU-ADVOCACY'] WHEN 1 THEN ARRAY['EU-PARTNERS','BRUSSELS-INFO']
                       ELSE ARRAY['EU-NETWORKS','EU-COMPETENCE'] END,
            '{}'
     FROM generate_series(1, $1) AS n`,
    [EXTRA],
  );
});
afterAll(() => h.stop());

async function statements(query: string, variables?: Record<string, unknown>) {
  const { body } = await h.gql(query, variables);
  expect(body.errors).toBeUndefined();
  return { count: body.extensions.sqlStatements as number, data: body.data };
}

const entities = (typename: string, key: string, values: string[]) => ({ r: values.map((v) => ({ __typename: typename, [key]: v })) });

describe('SQL statements per query', () => {
  it('are the same for 1 network and for every network, as a list or as entities', async () => {
    const list = await statements('{ networks { id name forums } }');
    expect(list.data.networks.length).toBeGreaterThan(EXTRA);
    expect(list.count).toBe(1);
    const ids: string[] = list.data.networks.map((n: { id: string }) => n.id);
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Network { id name forums } } }';
    const one = await statements(query, entities('Network', 'id', ids.slice(0, 1)));
    const all = await statements(query, entities('Network', 'id', ids));
    expect(all.data._entities).toHaveLength(ids.length);
    expect(one.count).toBe(1);
    expect(all.count).toBe(one.count);
  });

  it('stay flat when every initiative follows its programme, areas and their agreement', async () => {
    const fields = `id programme { code fund } developmentAreas { code agreement { id developmentAreas { code name } } }`;
    const list = await statements(`{ jointInitiatives { ${fields} } }`);
    expect(list.data.jointInitiatives.length).toBeGreaterThan(EXTRA);
    const ids: string[] = list.data.jointInitiatives.map((i: { id: string }) => i.id);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on JointInitiative { ${fields} } } }`;
    const one = await statements(query, entities('JointInitiative', 'id', ['gr-samsyn']));
    // A hundred of them: the subgraph's cost limit counts this deep selection once per representation.
    const all = await statements(query, entities('JointInitiative', 'id', ids.slice(0, 100)));
    expect(all.data._entities.every((i: any) => i.developmentAreas.length > 0)).toBe(true);
    expect(all.data._entities.filter((i: any) => i.programme).length).toBeGreaterThan(EXTRA / 2);
    // initiatives, programmes, areas, agreements, the agreements' other areas; with every initiative
    // the areas are all loaded at the first level already, so the last statement is not needed.
    expect(one.count).toBe(5);
    expect(all.count).toBeLessThanOrEqual(one.count);
    expect(list.count).toBeLessThanOrEqual(one.count);
  });

  it('are a handful for the whole region, whatever it holds', async () => {
    const { count, data } = await statements(`{ region { id population members { code name subgraphUrl }
      agreements { id developmentAreas { code agreement { id } } } }
      municipalities { code } developmentAreas { code agreement { title } } fundingProgrammes(fund: ESF) { code } }`);
    expect(data.region.members).toHaveLength(13);
    // region, members, agreements, the agreements' areas, all areas, programmes; members and agreements are read once.
    expect(count).toBe(6);
  });
});
