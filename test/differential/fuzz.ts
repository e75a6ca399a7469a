import { randomBytes } from 'node:crypto';
import { apiSchema, loadDataPool } from './data-pool';
import { EVERY_SHAPE, generateOperation, readRoutingFacts, type Shapes } from './generator';
import { describeFailure, runOperation, type Outcome } from './run';
import { shrink } from './shrink';
import { postGraphQL } from '@samverkan/testing';
import { startTwinRegions, type TwinRegions } from './twin-regions';

/**
 * npm run fuzz: differential testing of the gateway on generated operations, longer than the
 * e2e tier's run. The same region data is served by 13 shards and by one combined instance;
 * every operation must get the same answer from both.
 *
 * FUZZ_SEED   the run's seed (default: a new one, printed); operation i of a seed is always the same
 * FUZZ_COUNT  operations (default 2000)
 * FUZZ_ONLY   comma-separated operation indexes to run instead (e.g. one that failed)
 * FUZZ_SHAPES shapes to leave out, e.g. `nestedBroadcast=false,foreignOwner=false` (default: every shape)
 * FUZZ_SHRINK `false` skips shrinking each cause's smallest failing operation (default true)
 * FUZZ_SHOW   failing operations printed in full (default 20; every one is counted)
 * FUZZ_GATEWAYS `<sharded gateway URL>,<combined gateway URL>` of a pair already running (as
 *             startTwinRegions makes them), instead of starting one
 */
const SEED = process.env.FUZZ_SEED ?? randomBytes(4).toString('hex');
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);
const ONLY = process.env.FUZZ_ONLY ? process.env.FUZZ_ONLY.split(',').map(Number) : null;
const SHOW = Number(process.env.FUZZ_SHOW ?? 20);
const SHRINK = process.env.FUZZ_SHRINK !== 'false';
const log = (line = '') => process.stdout.write(`${line}\n`);

function shapesFrom(spec: string | undefined): Shapes {
  const shapes = { ...EVERY_SHAPE };
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!(name in shapes)) throw new Error(`FUZZ_SHAPES: unknown shape ${name} (known: ${Object.keys(shapes).join(', ')})`);
    shapes[name as keyof Shapes] = value !== 'false';
  }
  return shapes;
}

type Pair = Pick<TwinRegions, 'ask'> & { shardedUrl: string; stop(): Promise<void> };

async function start(): Promise<Pair> {
  const twins = await startTwinRegions();
  return { ask: twins.ask, stop: twins.stop, shardedUrl: twins.sharded.gatewayUrl };
}

/** A pair already running, asked over HTTP. */
function attach(urls: string): Pair {
  const [a, b] = urls.split(',');
  return {
    shardedUrl: a,
    ask: async (query, variables) => {
      const [sharded, combined] = await Promise.all([postGraphQL(a, query, variables), postGraphQL(b, query, variables)]);
      return { sharded, combined };
    },
    stop: async () => undefined,
  };
}

async function main(): Promise<void> {
  const shapes = shapesFrom(process.env.FUZZ_SHAPES);
  const indexes = ONLY ?? Array.from({ length: COUNT }, (_, i) => i);
  log(`Differential fuzzing: seed ${SEED}, ${indexes.length} operations, shapes ${JSON.stringify(shapes)}`);
  const started = Date.now();
  const twins = process.env.FUZZ_GATEWAYS ? attach(process.env.FUZZ_GATEWAYS) : await start();
  let exit = 0;
  try {
    log(`both regions ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const [schema, pool] = await Promise.all([apiSchema(twins.shardedUrl), loadDataPool(twins.shardedUrl)]);
    const options = { schema, facts: readRoutingFacts(), pool, shapes };
    const failures: Outcome[] = [];
    let requests = 0;
    const t0 = Date.now();
    for (const [n, i] of indexes.entries()) {
      const op = generateOperation(options, SEED, i);
      const outcome = await runOperation(twins, op);
      requests += outcome.failure ? outcome.failure.round + 1 : outcome.rounds.length;
      if (outcome.failure) {
        failures.push(outcome);
        if (failures.length <= SHOW) log(`\n${describeFailure(outcome)}\n`);
      }
      if ((n + 1) % 100 === 0 || n + 1 === indexes.length) {
        log(`  ${n + 1}/${indexes.length} operations, ${failures.length} with differences, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
    const seconds = (Date.now() - t0) / 1000;
    log(`\n${indexes.length} operations (${requests} asked of both sides) in ${seconds.toFixed(1)} s; ${failures.length} with differences`);
    if (failures.length) {
      exit = 1;
      const byCause = new Map<string, Outcome[]>();
      for (const f of failures) byCause.set(f.cause!.name, [...(byCause.get(f.cause!.name) ?? []), f]);
      log('\nDifferences by cause:');
      for (const [cause, list] of [...byCause].sort((a, b) => b[1].length - a[1].length)) {
        log(`\n== ${cause}: ${list.length} operation(s): ${list.map((f) => f.op.index).join(', ')}`);
        // With FUZZ_ONLY every failing operation is shrunk; otherwise the smallest of each cause.
        const smallest = list.reduce((a, b) => (b.op.query.length < a.op.query.length ? b : a));
        for (const f of ONLY ? list : [smallest]) {
          log(`${ONLY ? 'operation' : 'smallest: operation'} ${f.op.index} (${f.cause!.detail})`);
          if (SHRINK) {
            const small = await shrink(twins, f);
            log(`shrunk in ${small.tries} tries to:\n${small.query.replace(/^/gm, '  ')}\n  variables: ${JSON.stringify(small.variables)}`);
          } else {
            log(describeFailure(f));
          }
        }
      }
    }
  } finally {
    await twins.stop();
  }
  process.exit(exit);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
