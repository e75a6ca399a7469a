import type { GraphQLSchema } from 'graphql';
import { Client } from 'pg';
import { apiSchema, loadDataPool, type DataPool } from '../differential/data-pool';
import { coverageOf, EVERY_SHAPE, generateOperation, NOT_COMPARABLE, readRoutingFacts, type GeneratedOperation, type GeneratorOptions } from '../differential/generator';
import { describeFailure, outcomesAhead, runOperation, type Outcome } from '../differential/run';
import { startTwinRegions, type TwinRegions } from '../differential/twin-regions';

/**
 * "The gateway is exact for every query an analyst can write": the same region data served by 13
 * shards behind the gateway and by one combined instance behind another gateway must give the
 * same answer to every generated operation, data (in order) and errors (code and path) alike.
 * Every shape is generated, also those the gateway is known not to answer exactly yet (see
 * Shapes in ../differential/generator.ts): their operations fail here until it does.
 * `npm run fuzz` runs many more (FUZZ_SEED, FUZZ_COUNT), and shrinks what fails.
 */
const SEED = 'samverkan-differential-3';
/** Operations in flight at once: both sides' servers work on several rather than wait on one round trip. */
const AHEAD = 3;
const COUNT = 300;
/** What the gateway answers when an operation breaks one of its limits (gateway/src/limits.ts). */
const LIMIT_CODES = ['QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_LARGE', 'TOO_MANY_DIRECTIVES', 'QUERY_TOO_COMPLEX', 'PAGE_SIZE_EXCEEDED'];

let twins: TwinRegions;
let schema: GraphQLSchema;
let pool: DataPool;
let options: GeneratorOptions;
const outcomes = new Map<number, Outcome>();

beforeAll(async () => {
  twins = await startTwinRegions();
  [schema, pool] = await Promise.all([apiSchema(twins.sharded.gatewayUrl), loadDataPool(twins.sharded.gatewayUrl)]);
  options = { schema, facts: readRoutingFacts(), pool, shapes: EVERY_SHAPE };
}, 180_000);

afterAll(async () => {
  const failed = [...outcomes.values()].filter((o) => o.failure);
  if (failed.length) {
    const byCause = new Map<string, Outcome[]>();
    for (const o of failed) byCause.set(o.cause!.name, [...(byCause.get(o.cause!.name) ?? []), o]);
    const lines = [...byCause].map(([cause, list]) => {
      const smallest = list.reduce((a, b) => (b.op.query.length < a.op.query.length ? b : a));
      return `  ${cause}: ${list.length} operation(s) (${list.map((o) => o.op.index).join(', ')}); smallest ${smallest.op.index}: FUZZ_SEED=${SEED} FUZZ_ONLY=${smallest.op.index} npm run fuzz`;
    });
    process.stderr.write(`\nDifferential run, seed ${SEED}: ${failed.length} of ${outcomes.size} operations differ, by cause:\n${lines.join('\n')}\n`);
  }
  await twins?.stop();
}, 60_000);

describe('the same data, twice', () => {
  it('both sides hold the same rows under the same ids', async () => {
    const tables = ['project', 'funding', 'partner', 'project_area', 'membership', 'twin_town', 'strategy'];
    const rowsOf = async (url: string) => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        const out: Record<string, string[]> = {};
        for (const t of tables) out[t] = (await c.query(`SELECT row_to_json(x)::text AS r FROM ${t} x`)).rows.map((r) => r.r);
        return out;
      } finally {
        await c.end();
      }
    };
    const sharded: Record<string, string[]> = Object.fromEntries(tables.map((t) => [t, []]));
    for (const code of twins.codes) {
      const rows = await rowsOf(twins.sharded.databases.get(code)!);
      for (const t of tables) sharded[t].push(...rows[t]);
    }
    const combined = await rowsOf(twins.combined.databaseUrl);
    for (const t of tables) expect({ table: t, rows: [...combined[t]].sort() }).toEqual({ table: t, rows: [...sharded[t]].sort() });
    expect(sharded.project.length).toBeGreaterThan(20 * twins.codes.length);
    // The ids the gateways answer are the same too (a project, a membership).
    const ids = '{ projects(first: 100, orderBy: { field: ID }) { nodes { id } } networks { memberships { id } } }';
    const { sharded: a, combined: b } = await twins.ask(ids);
    expect(a.body.errors).toBeUndefined();
    expect(b.body).toEqual(a.body);
  });
});

describe(`${COUNT} generated operations (seed ${SEED}) answer the same on both sides`, () => {
  const ops = new Map<number, GeneratedOperation>();
  const op = (i: number) => {
    if (!ops.has(i)) ops.set(i, generateOperation(options, SEED, i));
    return ops.get(i)!;
  };
  /** Each operation's outcome, the next AHEAD - 1 on their way meanwhile (see outcomesAhead). */
  const outcomeOf = outcomesAhead(COUNT, AHEAD, (i) => runOperation(twins, op(i)));

  it('the generator reaches every field that takes arguments, every filter, order and dimension, and every shape', () => {
    const all = Array.from({ length: COUNT }, (_, i) => op(i));
    const c = coverageOf(schema, all);
    const withArguments = Object.values(schema.getTypeMap()).flatMap((t) =>
      'getFields' in t && !t.name.startsWith('__') && t.name !== 'Mutation' && t.name !== 'Subscription'
        ? Object.values((t as any).getFields()).filter((f: any) => f.args?.length).map((f: any) => `${t.name}.${f.name}`)
        : [],
    ).filter((f) => !NOT_COMPARABLE.has(f)); // the audit logs answer according to who asks; generated operations are anonymous
    expect(withArguments.length).toBeGreaterThan(10);
    for (const f of withArguments) expect({ field: f, asked: c.fields.has(f) }).toEqual({ field: f, asked: true });
    for (const f of ['municipalities', 'status', 'developmentAreas', 'programmes', 'funds', 'initiative', 'activeOn', 'startDate', 'activeDuring', 'text', 'synthetic']) expect([...c.filters]).toContain(f);
    for (const field of ['START_DATE', 'BUDGET_TOTAL', 'EU_COFINANCING', 'TITLE', 'ID']) for (const d of ['ASC', 'DESC']) expect([...c.orders]).toContain(`${field} ${d}`);
    for (const d of ['MUNICIPALITY', 'DEVELOPMENT_AREA', 'PROGRAMME', 'FUND', 'STATUS', 'START_YEAR', 'INITIATIVE']) expect([...c.dimensions]).toContain(d);
    for (const feature of ['nestedBroadcast', 'foreignOwner', 'named fragment', 'named fragment, reused', 'inline fragment', 'alias', 'variables', 'cursor literal', '@include/@skip']) {
      expect({ feature, operations: (c.features.get(feature) ?? 0) > 0 }).toEqual({ feature, operations: true });
    }
    // The nested shapes an analyst writes: lists of projects under what the region holds, under
    // a project, under a kommun and under a partner's kommun; stats groups and what hangs off them.
    for (const chain of [
      'Query.developmentAreas > DevelopmentArea.projects',
      'Query.fundingProgrammes > FundingProgramme.projects',
      'Query.jointInitiatives > JointInitiative.projects',
      'Query.jointInitiatives > JointInitiative.participants',
      'Query.networks > Network.memberships',
      'Query.project > Project.developmentAreas > DevelopmentArea.projects',
      'Query.municipality > Municipality.projects',
      'ProjectConnection.nodes > Project.partners > Partner.municipality > Municipality.projects > ProjectConnection.totalCount',
      'Query.projectStats > ProjectStatsGroup.',
    ]) {
      expect({ chain, asked: [...c.chains].some((x) => x.includes(chain)) }).toEqual({ chain, asked: true });
    }
    // Inside the gateway's limits, with a margin.
    for (const o of all) {
      expect(o.measure.depth).toBeLessThanOrEqual(12);
      expect(o.measure.aliases).toBeLessThanOrEqual(30);
      expect(o.measure.cost).toBeLessThanOrEqual(25_000);
      expect(o.measure.tokens).toBeLessThanOrEqual(5000);
    }
    // The same seed gives the same operations.
    expect(generateOperation(options, SEED, 7)).toEqual(op(7));
  });

  it.each(Array.from({ length: COUNT }, (_, i) => i))('operation %i', async (i) => {
    const outcome = await outcomeOf(i);
    outcomes.set(i, outcome);
    if (outcome.failure) throw new Error(describeFailure(outcome));
    // Refused by a limit on both sides would be the same answer, and prove nothing.
    expect(outcome.errorCodes.filter((c) => LIMIT_CODES.includes(c))).toEqual([]);
  });

  it('pages on with cursors the sharded gateway answered, in many operations', () => {
    const followed = [...outcomes.values()].filter((o) => o.rounds.length > 1).length;
    expect(followed).toBeGreaterThan(COUNT / 4);
  });
});
