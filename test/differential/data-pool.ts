import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { postGraphQL } from '@samverkan/testing';

/** One project as the generator draws filter values from it. */
export interface PoolProject {
  id: string;
  municipality: string;
  title: string;
  words: string[];
  status: string;
  startDate: string;
  endDate: string | null;
  developmentAreas: string[];
  programmes: string[];
  funds: string[];
  initiative: string | null;
  synthetic: boolean;
}

/**
 * The values the generator draws arguments from, read from the data the region serves, so that
 * filters match something and ids name real items.
 */
export interface DataPool {
  members: string[];
  developmentAreas: string[];
  programmes: string[];
  funds: string[];
  initiatives: string[];
  networks: string[];
  projects: PoolProject[];
  /** Cursors of real positions, by `<field> <direction>`. */
  cursors: Record<string, string[]>;
}

const ORDER_FIELDS = ['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID'] as const;

const PROJECTS = `query($after: String) {
  projects(first: 100, orderBy: { field: ID, direction: ASC }, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id title summary department status startDate endDate synthetic municipality { code } developmentAreas { code }
            funding { fund programme { code } } initiative { id } }
  }
}`;

async function data(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const { body } = await postGraphQL(url, query, variables);
  if (body.errors) throw new Error(`reading the data pool: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

/** Reads the pool through a gateway (the sharded one: both sides hold the same data). */
export async function loadDataPool(gatewayUrl: string): Promise<DataPool> {
  const catalogue = await data(gatewayUrl, '{ municipalities { code } developmentAreas { code } fundingProgrammes { code fund } jointInitiatives { id } networks { id } }');
  const projects: PoolProject[] = [];
  let after: string | null = null;
  for (;;) {
    const d = await data(gatewayUrl, PROJECTS, { after });
    for (const p of d.projects.nodes) {
      const text = [p.title, p.summary ?? '', p.department ?? ''].join(' ');
      projects.push({
        id: p.id,
        municipality: p.municipality.code,
        title: p.title,
        words: [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((w: string) => w.length >= 3))].sort(),
        status: p.status,
        startDate: p.startDate,
        endDate: p.endDate,
        developmentAreas: p.developmentAreas.map((a: any) => a.code),
        programmes: [...new Set<string>(p.funding.map((f: any) => f.programme.code))],
        funds: [...new Set<string>(p.funding.map((f: any) => f.fund))],
        initiative: p.initiative?.id ?? null,
        synthetic: p.synthetic,
      });
    }
    if (!d.projects.pageInfo.hasNextPage) break;
    after = d.projects.pageInfo.endCursor;
  }
  const cursors: Record<string, string[]> = {};
  for (const field of ORDER_FIELDS) {
    for (const direction of ['ASC', 'DESC']) {
      const d = await data(gatewayUrl, `{ projects(first: 100, orderBy: { field: ${field}, direction: ${direction} }) { edges { cursor } } }`);
      cursors[`${field} ${direction}`] = d.projects.edges.map((e: any) => e.cursor);
    }
  }
  const codes = (list: Array<{ code?: string; id?: string }>) => list.map((x) => (x.code ?? x.id)!).sort();
  return {
    members: codes(catalogue.municipalities),
    developmentAreas: codes(catalogue.developmentAreas),
    programmes: codes(catalogue.fundingProgrammes),
    funds: [...new Set<string>(catalogue.fundingProgrammes.map((p: any) => p.fund))].sort(),
    initiatives: codes(catalogue.jointInitiatives),
    networks: codes(catalogue.networks),
    projects: projects.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    cursors,
  };
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }';
const INPUT_VALUE = `name description type { ${TYPE_REF} } defaultValue`;
const FULL_TYPE = `kind name description specifiedByURL
  fields(includeDeprecated: true) { name description args { ${INPUT_VALUE} } type { ${TYPE_REF} } isDeprecated deprecationReason }
  inputFields { ${INPUT_VALUE} } interfaces { ${TYPE_REF} }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ${TYPE_REF} }`;

/**
 * The gateway's API schema (the supergraph's public face), by introspection of the gateway
 * itself. The standard introspection query is far over the gateway's cost limit (each list
 * counts 20 times), so it goes one type at a time and is put together here.
 */
export async function apiSchema(gatewayUrl: string): Promise<GraphQLSchema> {
  const head = await data(gatewayUrl, `{ __schema { queryType { name } mutationType { name } subscriptionType { name } types { name } } }`);
  const { directives } = (await data(gatewayUrl, `{ __schema { directives { name description isRepeatable locations args { ${INPUT_VALUE} } } } }`)).__schema;
  const names: string[] = head.__schema.types.map((t: { name: string }) => t.name);
  // One type a request (each costs about 11,000 of the 25,000), four requests at a time.
  const types: unknown[] = [];
  for (let i = 0; i < names.length; i += 4) {
    const batch = names.slice(i, i + 4);
    types.push(...(await Promise.all(batch.map(async (n) => (await data(gatewayUrl, `query($n: String!) { __type(name: $n) { ${FULL_TYPE} } }`, { n })).__type))));
  }
  const schema = { ...head.__schema, types, directives };
  return buildClientSchema({ __schema: schema } as IntrospectionQuery);
}
