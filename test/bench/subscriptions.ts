import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { mintToken } from '@samverkan/server-kit';
import { postGraphQL, TEST_SERVER_URL } from '@samverkan/testing';
import { startRegion } from '@samverkan/region-runner';
import { quantile, rssMiB, table } from './stats';

/**
 * Subscription benchmark (figures, not a test): SUBSCRIBERS clients (default 1,000), each on its
 * own graphql-ws socket, subscribe through the gateway to every kommun; EVENTS project writes go
 * straight to one kommun's subgraph. Prints the delivery latency of an event (from the write's
 * timestamp to its arrival at each subscriber, p50 and p99) and the gateway's memory per
 * subscriber. Runs on BENCH_DATABASE_URL (default the local PostgreSQL server).
 */
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.EVENTS ?? 20);
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';

async function main(): Promise<void> {
  const region = await startRegion({
    databaseUrl: process.env.BENCH_DATABASE_URL ?? TEST_SERVER_URL,
    databasePrefix: 'samverkan_bench_sub',
    freePorts: true,
    seed: 'always',
    syntheticProjects: 50,
    jwtSecret: SECRET,
    kommunPoolSize: 2,
  });
  const clients: Client[] = [];
  try {
    const gatewayPid = region.processes.find((p) => p.name === 'gateway')!.child.pid!;
    // The gateway's subscription details are for a region editor.
    const healthToken = await mintToken({ role: 'region-editor', subject: 'bench-health' }, { secret: SECRET });
    const health = async () => (await (await fetch(region.gatewayUrl.replace('/graphql', '/health/details'), { headers: { authorization: `Bearer ${healthToken}` } })).json()) as any;
    for (let i = 0; i < 20; i++) await postGraphQL(region.gatewayUrl, '{ projects(first: 5) { nodes { id municipality { name } } } }');
    const before = rssMiB(gatewayPid);

    const latencies: number[] = [];
    const received = new Map<string, number>();
    const query = `subscription { projectChanged { kind projectId at municipality { name } project { title developmentAreas { name } } } }`;
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const c = createClient({ url: region.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      clients.push(c);
      c.subscribe({ query }, {
        next: (v: any) => {
          const e = v.data?.projectChanged;
          if (!e) return;
          latencies.push(Date.now() - Date.parse(e.at));
          received.set(e.projectId, (received.get(e.projectId) ?? 0) + 1);
        },
        error: () => undefined,
        complete: () => undefined,
      });
    }
    const attachedBy = Date.now() + 60_000;
    while (Date.now() < attachedBy) {
      const s = (await health()).subscriptions.upstream['Subscription.projectChanged'];
      if (s.listeners >= SUBSCRIBERS * region.kommuner.size) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = rssMiB(gatewayPid);

    const code = '1480';
    const token = await mintToken({ role: 'kommun-editor', subject: 'bench', municipality: code }, { secret: SECRET });
    for (let i = 0; i < EVENTS; i++) {
      const { body } = await postGraphQL(
        region.kommuner.get(code)!,
        `mutation($i: ProjectInput!) { createProject(input: $i) { id } }`,
        { i: { municipality: code, title: `Benchmark event ${i}`, status: 'PLANNED', startDate: '2026-01-01', developmentAreas: ['EU-FUNDS'] } },
        { authorization: `Bearer ${token}` },
      );
      const id = body.data.createProject.id as string;
      const until = Date.now() + 10_000;
      while ((received.get(id) ?? 0) < SUBSCRIBERS && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    }
    latencies.sort((a, b) => a - b);
    const delivered = latencies.length;
    const figures = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      subscribers: SUBSCRIBERS,
      events: EVENTS,
      delivered,
      expected: SUBSCRIBERS * EVENTS,
      latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? NaN },
      gatewayRssMiB: { before, after },
      gatewayKiBPerSubscriber: ((after - before) * 1024) / SUBSCRIBERS,
    };
    console.log(`\nSubscriptions through the gateway (${figures.machine}, synthetic data)\n`);
    console.log(
      table(
        ['subscribers', 'events', 'delivered', 'p50 ms', 'p99 ms', 'gateway RSS before → after MiB', 'KiB per subscriber'],
        [[SUBSCRIBERS, EVENTS, `${delivered}/${figures.expected}`, figures.latencyMs.p50, figures.latencyMs.p99, `${before.toFixed(0)} → ${after.toFixed(0)}`, figures.gatewayKiBPerSubscriber]],
      ),
    );
    writeFileSync(join(__dirname, 'results/subscriptions.json'), `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await region.stop({ dropDatabases: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
