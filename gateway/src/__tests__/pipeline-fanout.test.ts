import { LATE, requestDeadline } from '../deadline';
import { fanOut, FetchReport, type ShardRequest } from '../pipeline/fanout';
import { ShardClient } from '../shards/client';
import { inProcessTransport, itemsOf, memoryLogger, registryOf, shardSchema, type Sent, type ShardBehaviour } from './pipeline-fixture';

const QUERY = '{ labels }';

function setup(shards: Record<string, ShardBehaviour>, timeoutMs = 10_000) {
  const sent: Sent[] = [];
  const client = new ShardClient({ timeoutMs, concurrency: 8, transport: inProcessTransport(shards, sent) });
  const registry = registryOf(['0001', '0002', '0003', '0004']);
  const report = new FetchReport(registry);
  const logger = memoryLogger();
  return { client, report, logger, sent };
}

const request = (code: string, extra: Partial<ShardRequest> = {}): ShardRequest => ({ url: `http://shard-${code}/`, codes: [code], query: QUERY, variables: {}, paths: [['labels']], ...extra });

describe('fan out', () => {
  it('asks every shard in parallel and keeps the answers in request order', async () => {
    const { client, report, logger } = setup({
      'http://shard-0001/': { schema: shardSchema(itemsOf('0001', [1])) },
      'http://shard-0002/': { schema: shardSchema(itemsOf('0002', [2, 3])) },
    });
    const outcomes = await fanOut([request('0002'), request('0001')], { client, logger, report });
    expect(outcomes.map((o) => ('answer' in o ? o.answer.data : o.failure))).toEqual([{ labels: ['0002-1', '0002-2'] }, { labels: ['0001-1'] }]);
    expect(report.errors).toEqual([]);
    await client.close();
  });

  it('names each kommun a failed shard leaves out, at each place it was to fill: one that throws, one past the deadline, one with an internal error', async () => {
    const { client, report, logger, sent } = setup({
      'http://shard-0001/': { schema: shardSchema(itemsOf('0001', [1])) },
      'http://shard-0002/': { throws: 'socket hang up' },
      'http://shard-0003/': { hangs: true },
      'http://shard-0004/': { answers: { data: { labels: null, other: 1 }, errors: [{ message: 'relation "x" does not exist', path: ['labels'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db'] } }] } },
    });
    const deadline = requestDeadline(200);
    const outcomes = await fanOut(
      [request('0001'), request('0002', { paths: [['labels'], ['other']] }), request('0003'), request('0004', { paths: [['labels'], ['other']] })],
      { client, logger, report, deadline, requestId: 'req-fanout-1' },
    );
    expect(outcomes.map((o) => 'answer' in o)).toEqual([true, false, false, true]);
    expect(report.errors).toHaveLength(4);
    expect(report.errors).toEqual(expect.arrayContaining([
      { message: expect.stringContaining('Kommun Ort 0002 (0002) is missing'), path: ['labels'], extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0002', reason: 'its subgraph closed the connection' } },
      { message: expect.any(String), path: ['other'], extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0002', reason: 'its subgraph closed the connection' } },
      // The internal error affects its field only; what it said of its insides stays in the log.
      { message: expect.any(String), path: ['labels'], extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0004', reason: 'its subgraph answered an internal error' } },
      { message: expect.any(String), path: ['labels'], extensions: { code: 'MUNICIPALITY_UNAVAILABLE', municipality: '0003', reason: `its subgraph ${LATE}` } },
    ]));
    expect(JSON.stringify(report.errors)).not.toContain('relation');
    expect(logger.warnings).toHaveLength(1);
    // The log line names the client request, as the kommun's own lines do (the id went with each request).
    expect(logger.warnings[0]).toEqual([expect.objectContaining({ requestId: 'req-fanout-1', municipalities: ['0004'] }), 'a kommun answered an internal error']);
    expect(sent.map((s) => s.headers['x-request-id'])).toEqual(['req-fanout-1', 'req-fanout-1', 'req-fanout-1', 'req-fanout-1']);
    await client.close();
  });

  it('passes the caller’s own errors on as the kommun gave them, naming it, and maps entity paths back to the original index', async () => {
    const { client, report, logger } = setup({
      'http://shard-0001/': { answers: { data: { _entities: [null, null] }, errors: [{ message: 'no such item', path: ['_entities', 1, 'label'], extensions: { code: 'NOT_FOUND', stacktrace: ['x'] } }] } },
    });
    await fanOut([request('0001', { query: '{ _entities }', indexes: [4, 7], paths: [['_entities', 4], ['_entities', 7]] })], { client, logger, report });
    expect(report.errors).toEqual([{ message: 'no such item', path: ['_entities', 7, 'label'], extensions: { code: 'NOT_FOUND', municipality: '0001' } }]);
    await client.close();
  });

  it('sends the caller’s token only when it is given as a write’s', async () => {
    const shards = { 'http://shard-0001/': { schema: shardSchema(itemsOf('0001', [1])) } };
    const { client, report, logger, sent } = setup(shards);
    await fanOut([request('0001')], { client, logger, report });
    await fanOut([request('0001', { query: 'mutation { createItem(kommun: "0001", label: "x") { id } }' })], { client, logger, report, writeAuthorization: 'Bearer w' });
    expect(sent.map((s) => s.headers.authorization)).toEqual([undefined, 'Bearer w']);
    await client.close();
  });

  it('names a kommun once per place, however many requests miss it there', () => {
    const report = new FetchReport(registryOf(['0001']));
    report.missing('0001', 'down', [['a'], ['b']]);
    report.missing('0001', 'down again', [['a']]);
    report.missing('0009', 'not a member', [['a']], 'MUNICIPALITY_UNKNOWN');
    expect(report.errors.map((e) => [e.path, e.extensions?.code, e.extensions?.municipality])).toEqual([
      [['a'], 'MUNICIPALITY_UNAVAILABLE', '0001'],
      [['b'], 'MUNICIPALITY_UNAVAILABLE', '0001'],
      [['a'], 'MUNICIPALITY_UNKNOWN', '0009'],
    ]);
  });
});
