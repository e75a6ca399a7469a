import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { eventually, startE2ERegion, type E2ERegion } from './harness';

/**
 * Traces cross the region: with an OTLP endpoint configured, the gateway and every kommun export
 * spans (OpenTelemetry, OTLP over HTTP), and the W3C `traceparent` the gateway sends with each
 * fetch makes each kommun's span a child of the gateway's fetch, in the caller's trace.
 */
interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** The path a server span served (`http.target`, or `url.path` in newer conventions). */
  target?: string;
}
const SERVER = 2;
const CLIENT = 3;

let region: E2ERegion;
let collector: http.Server;
const spans: Span[] = [];

beforeAll(async () => {
  // A collector of our own: OTLP/HTTP with JSON bodies, as the exporter sends them.
  collector = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) {
          const attribute = (key: string) => s.attributes?.find((a: any) => a.key === key)?.value?.stringValue;
          spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, target: attribute('http.target') ?? attribute('url.path') });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  region = await startE2ERegion({ syntheticProjects: 3, serviceEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' } });
}, 120_000);
afterAll(async () => {
  await region?.stop();
  await new Promise((r) => collector?.close(r));
});

it('one trace holds the caller\'s request, the gateway\'s fetches and every kommun\'s answer to them', async () => {
  const traceId = randomBytes(16).toString('hex');
  const parent = randomBytes(8).toString('hex');
  const res = await fetch(region.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parent}-01` },
    body: JSON.stringify({ query: '{ projects(first: 1) { totalCount } }' }),
  });
  expect(res.status).toBe(200);
  const codes = region.manifest.members.map((m) => m.code);
  const kommunServer = () => spans.filter((s) => s.traceId === traceId && s.service === 'samverkan-kommun' && s.kind === SERVER);
  const gatewayServer = await eventually('the gateway\'s span of the request', async () => spans.find((s) => s.traceId === traceId && s.service === 'samverkan-gateway' && s.kind === SERVER));
  await eventually('every kommun\'s span', async () => kommunServer().length >= codes.length);
  const mine = spans.filter((s) => s.traceId === traceId);
  expect(gatewayServer.parentSpanId).toBe(parent);
  const gatewayClients = new Set(mine.filter((s) => s.service === 'samverkan-gateway' && s.kind === CLIENT).map((s) => s.spanId));
  for (const span of kommunServer()) expect(gatewayClients.has(span.parentSpanId!)).toBe(true);
  // The GraphQL requests are traced with their path; health checks (the runner polled them at start) and scrapes are not.
  expect(gatewayServer.target).toBe('/graphql');
  expect(spans.filter((s) => /^\/(health|metrics)/.test(s.target ?? ''))).toEqual([]);
});
