import catalogue from '../../../schema/catalogue.json';
import type { Logger } from '@samverkan/server-kit';
import { Fund } from './graphql/enums';

/** A programme code's fund, as far as the catalogue knows: what a write uses when an editor names only the programme. */
export type FundOf = (programme: string) => Fund | undefined;

/** The catalogue committed in schema/: what a kommun knows before (or without) asking its region. */
const COMMITTED: ReadonlyMap<string, Fund> = new Map(
  (catalogue.fundingProgrammes as Array<{ code: string; fund: string }>).map((p) => [p.code, p.fund as Fund]),
);

const FUNDS = new Set<string>(Object.values(Fund));

export interface ProgrammeCatalogueOptions {
  /** The region subgraph (REGION_URL); unset: the committed catalogue only. */
  regionUrl?: string;
  /** How long an answer of the region is used before it is asked again. */
  maxAgeMs: number;
  /** A code it does not know makes it ask the region again, but not more often than this. */
  minRefreshMs: number;
  logger?: Logger;
}

/**
 * The region's funding-programme catalogue as a kommun knows it at run time: the region subgraph's
 * `fundingProgrammes`, asked again when the answer is older than `maxAgeMs` or a write names a
 * programme it does not know (at most once a second), so a programme a region editor adds is
 * known to every kommun at its next write. Until the region has answered (or without REGION_URL), the committed
 * schema/catalogue.json; when the region cannot be reached, the last answer it gave.
 */
export class ProgrammeCatalogue {
  private funds: ReadonlyMap<string, Fund> = COMMITTED;
  private fetchedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: ProgrammeCatalogueOptions) {}

  /** A lookup for a write that names `programmes`: fresh enough for every one of them, where the region knows it. */
  async lookup(programmes: Iterable<string>): Promise<FundOf> {
    if (this.options.regionUrl) {
      const age = Date.now() - this.fetchedAt;
      const unknown = [...programmes].some((code) => !this.funds.has(code));
      if (age > this.options.maxAgeMs || (unknown && age > this.options.minRefreshMs)) await this.refresh();
    }
    const funds = this.funds;
    return (programme) => funds.get(programme);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const res = await fetch(this.options.regionUrl!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ fundingProgrammes { code fund } }' }),
          signal: AbortSignal.timeout(2000),
        });
        const body = (await res.json()) as { data?: { fundingProgrammes?: Array<{ code: unknown; fund: unknown }> } };
        const list = body.data?.fundingProgrammes;
        if (!Array.isArray(list)) throw new Error(`the region answered HTTP ${res.status} without a programme list`);
        this.funds = new Map(list.filter((p) => typeof p.code === 'string' && typeof p.fund === 'string' && FUNDS.has(p.fund)).map((p) => [p.code as string, p.fund as Fund]));
      } catch (err) {
        this.options.logger?.warn({ err: (err as Error).message, regionUrl: this.options.regionUrl }, 'could not read the programme catalogue from the region; using the one known before');
      } finally {
        // Asked (answered or not): not again before minRefreshMs, so a region that is down is not hammered.
        this.fetchedAt = Date.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
