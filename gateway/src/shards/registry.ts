import type { Logger } from '@samverkan/server-kit';
import { ShardFailure, type ShardClient } from './client';
import type { ContractChecker } from './contract';

export type MemberState = 'active' | 'unavailable' | 'refused';

/** One member kommun as the gateway sees it. */
export interface Member {
  code: string;
  name: string;
  url: string | null;
  state: MemberState;
  /** Why it is unavailable or refused. */
  reason?: string;
  /** For a refused member: how its schema breaks the contract. */
  problems?: string[];
  /** The contract version it announces (null: none, held to the whole contract). */
  contractVersion?: string | null;
  /** What it lacks of this gateway's contract, on an older version: it is asked nothing that uses these. */
  lacks?: string[];
  /** The URL whose schema was last found to implement the contract; only such members get requests. */
  verifiedUrl?: string;
  checkedAt?: string;
}

export interface RegistryOptions {
  /** The region subgraph, which keeps the member registry. */
  regionUrl: string;
  client: ShardClient;
  checker: ContractChecker;
  logger: Logger;
  /** How often the registry is read again. */
  refreshMs: number;
  /**
   * How often an active member's schema is read again at the same URL (MEMBERS_SCHEMA_REFRESH_MS;
   * default: on every refresh). A member that is new, has moved, was refused or could not be read
   * is checked on every refresh.
   */
  schemaRefreshMs?: number;
}

const MEMBERS_QUERY = '{ municipalities { code name subgraphUrl } }';
const SDL_QUERY = '{ _service { sdl } }';

/**
 * The region's members and the shards behind them. Membership is data: it is read from the
 * region subgraph and re-read every `refreshMs`, so a kommun joining or leaving, or moving its
 * subgraph, is picked up without a restart. A member's schema is checked against the contract
 * before it receives any request; one that breaks the contract is refused and reported.
 *
 * A schema already checked at the same URL is read again every `schemaRefreshMs`, not on every
 * refresh: the members are spread over the refreshes in between (by kommunkod), so that a region
 * of 290 reads about 290 / (schemaRefreshMs / refreshMs) schemas of some 30 KB each per refresh,
 * not all of them at once.
 */
export class MemberRegistry {
  private members = new Map<string, Member>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  /** Refreshes run so far: which members' schemas are due is counted in them. */
  private round = 0;
  private readonly listeners = new Set<() => void>();
  lastRefresh: { at: string; ok: boolean; error?: string } | null = null;

  constructor(private readonly options: RegistryOptions) {}

  /** Reads the registry once (waiting for it), then keeps it fresh in the background. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called after each refresh that changed membership or a member's state. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The members in kommunkod order, sorted once per change of membership: every fetch reads them. */
  private sorted: Member[] | null = null;

  all(): Member[] {
    this.sorted ??= [...this.members.values()].sort((a, b) => a.code.localeCompare(b.code));
    return this.sorted.slice();
  }

  get(code: string): Member | undefined {
    return this.members.get(code);
  }

  /** The URL requests for `code` go to, or null when none may be sent (and why). */
  target(code: string): { url: string } | { url: null; member?: Member; reason: string } {
    const m = this.members.get(code);
    if (!m) return { url: null, reason: `kommun ${code} is not a member of this region` };
    if (m.state === 'refused') return { url: null, member: m, reason: `its subgraph was refused: ${m.reason}` };
    if (!m.verifiedUrl) return { url: null, member: m, reason: m.reason ?? 'its subgraph has not been reached yet' };
    return { url: m.verifiedUrl };
  }

  /** Re-reads the registry and re-checks each member's schema; concurrent calls share one run. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const { client, regionUrl, logger } = this.options;
    let listed: Array<{ code: string; name: string; subgraphUrl: string | null }>;
    try {
      const answer = await client.post(regionUrl, { query: MEMBERS_QUERY });
      const list = answer.data?.municipalities;
      if (!Array.isArray(list)) throw new ShardFailure(answer.errors?.[0]?.message ?? 'the region answered no member list');
      listed = list as typeof listed;
    } catch (err) {
      // Keep the members we know: a region subgraph that is briefly down must not empty the region.
      this.lastRefresh = { at: new Date().toISOString(), ok: false, error: `the region subgraph ${(err as Error).message}` };
      logger.warn({ err }, 'could not read the member registry');
      return;
    }
    const next = new Map<string, Member>();
    const every = Math.max(1, Math.round((this.options.schemaRefreshMs ?? this.options.refreshMs) / this.options.refreshMs));
    const round = this.round++;
    await Promise.all(
      listed.map(async (entry) => {
        const previous = this.members.get(entry.code);
        // Verified at this URL, and its schema not due this round: kept as it is. A refused member
        // is read again every time, so that one whose schema is mended is let in at once.
        const kept = previous?.state === 'active' && previous.url === entry.subgraphUrl && (round + spread(entry.code)) % every !== 0;
        next.set(entry.code, kept ? { ...previous, name: entry.name } : await this.check(entry));
      }),
    );
    const before = JSON.stringify(this.all().map(({ checkedAt: _, ...m }) => m));
    this.members = next;
    this.sorted = null;
    this.lastRefresh = { at: new Date().toISOString(), ok: true };
    if (JSON.stringify(this.all().map(({ checkedAt: _, ...m }) => m)) !== before) {
      logger.info({ members: this.all().map((m) => `${m.code}:${m.state}`) }, 'membership changed');
      for (const l of this.listeners) l();
    }
  }

  private async check(entry: { code: string; name: string; subgraphUrl: string | null }): Promise<Member> {
    const previous = this.members.get(entry.code);
    const base: Member = { code: entry.code, name: entry.name, url: entry.subgraphUrl, state: 'unavailable', checkedAt: new Date().toISOString() };
    if (!entry.subgraphUrl) return { ...base, reason: 'no subgraph URL is registered for it' };
    try {
      const answer = await this.options.client.post(entry.subgraphUrl, { query: SDL_QUERY });
      const sdl = (answer.data?._service as { sdl?: unknown } | undefined)?.sdl;
      if (typeof sdl !== 'string') throw new ShardFailure('did not answer _service { sdl }');
      const { problems, lacks, version } = await this.options.checker.fit(sdl);
      if (problems.length) {
        return { ...base, state: 'refused', contractVersion: version, reason: `its schema breaks the contract (${problems.length} problem${problems.length > 1 ? 's' : ''})`, problems };
      }
      return { ...base, state: 'active', verifiedUrl: entry.subgraphUrl, contractVersion: version, ...(lacks.length ? { lacks } : {}) };
    } catch (err) {
      // Down now, but verified before at this URL: keep sending requests; each reports its own failure.
      const verifiedUrl = previous?.verifiedUrl === entry.subgraphUrl ? previous.verifiedUrl : undefined;
      return { ...base, verifiedUrl, reason: `its subgraph ${(err as Error).message}` };
    }
  }
}

/** A member's place among the refreshes its schema is read in: the same every time for a kommunkod. */
function spread(code: string): number {
  let h = 0;
  for (let i = 0; i < code.length; i++) h = (h * 31 + code.charCodeAt(i)) >>> 0;
  return h;
}
