import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { MAX_OPERATION_NAMES, ServiceMetrics } from '../metrics';

/** A server whose requests the metrics count: `ok` answers, `broken` fails with data, a bad query has none. */
async function serverWith(metrics: ServiceMetrics) {
  const server = new ApolloServer({
    typeDefs: 'type Query { ok: Int broken: Int }',
    resolvers: {
      Query: {
        ok: () => 1,
        broken: () => {
          throw new GraphQLError('no');
        },
      },
    },
    plugins: [metrics.plugin()],
  });
  await server.start();
  return server;
}

const value = async (metrics: ServiceMetrics, labels: Record<string, string>) => {
  const metric = await metrics.registry.getSingleMetric('samverkan_graphql_requests_total')!.get();
  return metric.values.find((v) => JSON.stringify(Object.entries(v.labels).sort()) === JSON.stringify(Object.entries(labels).sort()))?.value ?? 0;
};

describe('ServiceMetrics', () => {
  it('counts requests by operation name, type and outcome', async () => {
    const metrics = new ServiceMetrics('test');
    const server = await serverWith(metrics);
    await server.executeOperation({ query: 'query A { ok }' });
    await server.executeOperation({ query: 'query A { ok }' });
    await server.executeOperation({ query: 'query B { ok broken }' });
    await server.executeOperation({ query: '{ nothing }' });
    await server.stop();
    expect(await value(metrics, { operation: 'A', type: 'query', outcome: 'ok' })).toBe(2);
    expect(await value(metrics, { operation: 'B', type: 'query', outcome: 'partial' })).toBe(1);
    expect(await value(metrics, { operation: 'anonymous', type: 'unknown', outcome: 'error' })).toBe(1);
  });

  it('keeps at most MAX_OPERATION_NAMES operation names as labels; the rest count as "other"', async () => {
    const metrics = new ServiceMetrics('test');
    const server = await serverWith(metrics);
    const extra = 7;
    for (let i = 0; i < MAX_OPERATION_NAMES + extra; i++) await server.executeOperation({ query: `query Op${i} { ok }` });
    await server.stop();
    const metric = await metrics.registry.getSingleMetric('samverkan_graphql_requests_total')!.get();
    expect(new Set(metric.values.map((v) => v.labels.operation)).size).toBe(MAX_OPERATION_NAMES + 1);
    expect(await value(metrics, { operation: 'other', type: 'query', outcome: 'ok' })).toBe(extra);
    // A name already known keeps its own label.
    expect(metrics.operationLabel('Op0')).toBe('Op0');
  });

  it('reads gauges when scraped', async () => {
    const metrics = new ServiceMetrics('test');
    let n = 3;
    metrics.gauge('samverkan_test_things', 'Things.', ['kind'], (set) => set({ kind: 'a' }, n));
    expect(await metrics.registry.metrics()).toMatch(/^samverkan_test_things\{kind="a",service="test"\} 3$/m);
    n = 5;
    expect(await metrics.registry.metrics()).toMatch(/^samverkan_test_things\{kind="a",service="test"\} 5$/m);
  });
});
