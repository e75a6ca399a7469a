import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';

/** Settings every service reads for its `/metrics` endpoint. */
export const metricsEnv = {
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (Prometheus' `authorization` setting). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

/** Operation names kept as label values; others count as "other", so a caller cannot grow the series without bound. */
export const MAX_OPERATION_NAMES = 200;

/** How a GraphQL request ended: data and no error, data with errors (a hole, a refused field), or no data. */
export type Outcome = 'ok' | 'partial' | 'error';

export function outcomeOf(result: { data?: unknown; errors?: readonly unknown[] }): Outcome {
  if (!result.errors?.length) return 'ok';
  return result.data == null ? 'error' : 'partial';
}

/**
 * A service's metrics in Prometheus' text format (prom-client): the process's own (CPU, memory,
 * event loop, GC) and GraphQL requests by operation and outcome. Each server has its own
 * registry, so several servers in one process (a combined instance, the tests) do not collide.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'type' | 'outcome'>;
  private readonly duration: Histogram<'type' | 'outcome'>;
  private readonly names = new Set<string>();

  constructor(
    readonly service: string,
    private readonly token?: string,
  ) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'samverkan_' });
    this.requests = new Counter({
      name: 'samverkan_graphql_requests_total',
      help: 'GraphQL requests by operation name, operation type and outcome (ok, partial: data with errors, error: no data).',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'samverkan_graphql_request_duration_seconds',
      help: 'Time from a GraphQL request arriving to its answer being ready, by operation type and outcome.',
      labelNames: ['type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** The label for an operation name: itself while fewer than MAX_OPERATION_NAMES are known, then "other". */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return 'other';
    this.names.add(name);
    return name;
  }

  /** A gauge whose value is read when Prometheus scrapes. */
  gauge<L extends string>(name: string, help: string, labelNames: L[], read: (set: (labels: Record<L, string>, value: number) => void) => void): void {
    const gauge: Gauge<L> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        gauge.reset();
        read((labels, value) => gauge.set(labels as Partial<Record<L, string | number>>, value));
      },
    });
  }

  counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** Counts every GraphQL request once, when its answer is ready. */
  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ response, operation, operationName }) => {
            const result = response.body.kind === 'single' ? response.body.singleResult : { data: {} };
            this.observeRequest(operationName, operation?.operation ?? 'unknown', result, started);
          },
        };
      },
    };
  }

  /** Counts a request answered (by the plugin, or by a path of the server's own around Apollo Server), from `started` (process.hrtime.bigint()). */
  observeRequest(operationName: string | null | undefined, type: string, result: { data?: unknown; errors?: readonly unknown[] }, started: bigint): void {
    const outcome = outcomeOf(result);
    this.requests.inc({ operation: this.operationLabel(operationName), type, outcome });
    this.duration.observe({ type, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** GET /metrics; with METRICS_TOKEN set, for its bearer only. */
  handler(): express.RequestHandler {
    return async (req, res) => {
      if (this.token && req.headers.authorization !== `Bearer ${this.token}`) {
        res.status(401).set('www-authenticate', 'Bearer').type('text/plain').send('The metrics need the bearer token set in METRICS_TOKEN.\n');
        return;
      }
      res.type(this.registry.contentType).send(await this.registry.metrics());
    };
  }
}

/** Gauges of a pg pool (TypeORM keeps it as its driver's `master`): connections open, idle, and callers waiting for one. */
export function poolGauges(metrics: ServiceMetrics, pool: () => { totalCount: number; idleCount: number; waitingCount: number } | undefined): void {
  metrics.gauge('samverkan_db_pool_connections', 'Connections of the service\'s database pool: open (total), idle, and requests waiting for one.', ['state'], (set) => {
    const p = pool();
    if (!p) return;
    set({ state: 'total' }, p.totalCount);
    set({ state: 'idle' }, p.idleCount);
    set({ state: 'waiting' }, p.waitingCount);
  });
}
