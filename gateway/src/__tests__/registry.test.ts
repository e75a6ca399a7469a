import { ShardClient } from '../shards/client';
import { ContractChecker } from '../shards/contract';
import { MemberRegistry } from '../shards/registry';
import { CONTRACT_SDL, contract, inProcessTransport, memoryLogger, type Sent, type ShardBehaviour } from './pipeline-fixture';

const REGION = 'http://region/';
/** A schema that breaks the contract: the member serving it is refused. */
const BROKEN = 'type Query { nothing: String }';

/**
 * A region of `n` members (0101, 0102, …) behind in-process shards: what each serves as its schema,
 * and where, can be changed between refreshes; every request is kept in `sent`.
 */
function regionOf(n: number, schemaRefreshMs?: number) {
  const codes = Array.from({ length: n }, (_, i) => String(101 + i).padStart(4, '0'));
  const urls = new Map(codes.map((c) => [c, `http://shard-${c}/`]));
  const sdl = new Map(codes.map((c) => [c, CONTRACT_SDL]));
  const down = new Set<string>();
  const member = (code: string): ShardBehaviour => ({
    handle: async () => {
      if (down.has(code)) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { data: { _service: { sdl: sdl.get(code) } } };
    },
  });
  const shards: Record<string, ShardBehaviour> = {
    [REGION]: { handle: async () => ({ data: { municipalities: codes.map((code) => ({ code, name: `Ort ${code}`, subgraphUrl: urls.get(code) })) } }) },
  };
  const serve = () => {
    for (const code of codes) shards[urls.get(code)!] = member(code);
  };
  serve();
  const sent: Sent[] = [];
  const client = new ShardClient({ timeoutMs: 5000, concurrency: 64, transport: inProcessTransport(shards, sent) });
  const registry = new MemberRegistry({ regionUrl: REGION, client, checker: new ContractChecker(contract), logger: memoryLogger(), refreshMs: 1000, schemaRefreshMs });
  /** The members whose schema one refresh read. */
  const refresh = async () => {
    sent.length = 0;
    await registry.refresh();
    return sent.filter((s) => s.url !== REGION).map((s) => codes.find((c) => urls.get(c) === s.url)!).sort();
  };
  return { codes, urls, sdl, down, serve, registry, refresh, state: (code: string) => registry.get(code)?.state };
}

describe('the member registry re-reads schemas spread over its refreshes', () => {
  it('reads every schema at the first refresh, then each once per MEMBERS_SCHEMA_REFRESH_MS, a share at each refresh', async () => {
    const r = regionOf(40, 4000);
    expect(await r.refresh()).toEqual(r.codes);
    for (const code of r.codes) expect(r.state(code)).toBe('active');
    // Four refreshes make one schema interval: each member is read in exactly one of them.
    for (let cycle = 0; cycle < 2; cycle++) {
      const reads = [await r.refresh(), await r.refresh(), await r.refresh(), await r.refresh()];
      expect(reads.flat().sort()).toEqual(r.codes);
      // Spread: no refresh reads them all (40 members, 4 rounds).
      for (const read of reads) expect(read.length).toBeLessThan(r.codes.length);
      expect(reads.filter((read) => read.length > 0).length).toBeGreaterThan(1);
    }
    // Kept members are still the registry's: each is asked, with its name from the region.
    for (const code of r.codes) expect(r.registry.target(code)).toEqual({ url: r.urls.get(code) });
  });

  it('without MEMBERS_SCHEMA_REFRESH_MS, reads every schema at every refresh', async () => {
    const r = regionOf(6);
    for (let i = 0; i < 3; i++) expect(await r.refresh()).toEqual(r.codes);
  });

  it('a member that breaks the contract at the same URL is refused within the interval, read at every refresh while refused, and let in once mended', async () => {
    const r = regionOf(8, 3000);
    await r.refresh();
    const [code] = r.codes;
    r.sdl.set(code, BROKEN);
    let refreshes = 0;
    while (r.state(code) === 'active' && refreshes < 3) {
      await r.refresh();
      refreshes++;
    }
    expect(r.state(code)).toBe('refused');
    expect(r.registry.target(code)).toMatchObject({ url: null, reason: expect.stringMatching(/refused: its schema breaks the contract/) });
    for (let i = 0; i < 3; i++) expect(await r.refresh()).toContain(code);
    r.sdl.set(code, CONTRACT_SDL);
    expect(await r.refresh()).toContain(code);
    expect(r.state(code)).toBe('active');
  });

  it('a member that moves is read at the next refresh, at its new URL', async () => {
    const r = regionOf(8, 60_000);
    await r.refresh();
    const code = r.codes[3];
    r.urls.set(code, 'http://moved-0104/');
    r.serve();
    expect(await r.refresh()).toContain(code);
    expect(r.registry.target(code)).toEqual({ url: 'http://moved-0104/' });
  });

  it('a member that cannot be reached is read at every refresh (still asked at its verified URL), and active again once it answers', async () => {
    const r = regionOf(8, 60_000);
    await r.refresh();
    const code = r.codes[5];
    r.down.add(code);
    // Due at some refresh within the interval's 60 rounds; from then on read at every one.
    let refreshes = 0;
    while (r.state(code) === 'active' && refreshes < 60) {
      await r.refresh();
      refreshes++;
    }
    expect(r.state(code)).toBe('unavailable');
    expect(r.registry.target(code)).toEqual({ url: r.urls.get(code) });
    expect(await r.refresh()).toContain(code);
    r.down.delete(code);
    expect(await r.refresh()).toContain(code);
    expect(r.state(code)).toBe('active');
  });
});
