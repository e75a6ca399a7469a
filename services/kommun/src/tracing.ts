import { startTracing } from '@samverkan/server-kit/tracing';

/**
 * Tracing, when an OTLP endpoint is configured (see startTracing). The entry point imports this
 * module before any other of its own, so that the HTTP modules the server uses are instrumented
 * when they load.
 */
export const stopTracing = startTracing('kommun');
