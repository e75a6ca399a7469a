import catalogue from '../../../schema/catalogue.json';
import type { Logger } from '@samverkan/server-kit';
import { Fund } from './graphql/enums';

/** A programme code's fund, as far as the catalogue knows: what a write uses when an editor names only the programme. */
export type FundOf = (programme: string) => Fund | undefined;

/** The region's catalogue as one write sees it: programmes with their funds, development areas, joint initiatives. */
export interface CatalogueView {
  fundOf: FundOf;
  /** The development area codes the region knows. */
  areas: ReadonlySet<string>;
  /** The joint initiative ids the region knows. */
  initiatives: ReadonlySet<string>;
}

/** The codes a write names, for which the catalogue must be fresh enough. */
export interface CatalogueNames {
  /** Programmes whose fund the write takes from the catalogue. */
  programmes?: Iterable<string>;
  developmentAreas?: Iterable<string>;
  initiatives?: Iterable<string>;
}

interface Known {
  funds: ReadonlyMap<string, Fund>;
  areas: ReadonlySet<string>;
  initiatives: ReadonlySet<string>;
}

/** The catalogue committed in schema/: what a kommun knows before (or without) asking its region. */
const COMMITTED: Known = {
  funds: new Map((catalogue.fundingProgrammes as Array<{ code: string; fund: string }>).map((p) => [p.code, p.fund as Fund])),
  areas: new Set(catalogue.developmentAreas.map((a) => a.code)),
  initiatives: new Set(catalogue.jointInitiatives.map((i) => i.id)),
};

const FUNDS = new Set<string>(Object.values(Fund));

const QUERY = '{ fundingProgrammes { code fund } developmentAreas { code } jointInitiatives { id } }';

interface Answer {
  fundingProgrammes?: Array<{ code: unknown; fund: unknown }>;
  developmentAreas?: Array<{ code: unknown }>;
  jointInitiatives?: Array<{ id: unknown }>;
}

export interface RegionCatalogueOptions {
  /** The region subgraph (REGION_URL); unset: the committed catalogue only. */
  regionUrl?: string;
  /** How long an answer of the region is used before it is asked again. */
  maxAgeMs: number;
  /** A code it does not know makes it ask the region again, but not more often than this. */
  minRefreshMs: number;
  logger?: Logger;
}

/**
 * The region's catalogue as a kommun knows it at run time: the region subgraph's funding
 * programmes (with their funds), development areas and joint initiatives, asked again when the
 * answer is older than `maxAgeMs` or a write names a code it does not know (at most once a
 * second), so a programme, area or initiative a region editor adds is known to every kommun at its
 * next write. Until the region has answered (or without REGION_URL), the committed
 * schema/catalogue.json; when the region cannot be reached, the last answer it gave.
 */
export class RegionCatalogue {
  private known: Known = COMMITTED;
  private fetchedAt = 0;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly options: RegionCatalogueOptions) {}

  /** The catalogue for a write that names these codes: fresh enough for every one of them, where the region knows it. */
  async lookup(names: CatalogueNames = {}): Promise<CatalogueView> {
    if (this.options.regionUrl) {
      const age = Date.now() - this.fetchedAt;
      const k = this.known;
      const unknown =
        [...(names.programmes ?? [])].some((code) => !k.funds.has(code)) ||
        [...(names.developmentAreas ?? [])].some((code) => !k.areas.has(code)) ||
        [...(names.initiatives ?? [])].some((id) => !k.initiatives.has(id));
      if (age > this.options.maxAgeMs || (unknown && age > this.options.minRefreshMs)) await this.refresh();
    }
    const { funds, areas, initiatives } = this.known;
    return { fundOf: (programme) => funds.get(programme), areas, initiatives };
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const res = await fetch(this.options.regionUrl!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: QUERY }),
          signal: AbortSignal.timeout(2000),
        });
        const data = ((await res.json()) as { data?: Answer }).data;
        const { fundingProgrammes: programmes, developmentAreas: areas, jointInitiatives: initiatives } = data ?? {};
        // All three lists or none: a partial answer would make known codes look unknown.
        if (!Array.isArray(programmes) || !Array.isArray(areas) || !Array.isArray(initiatives)) {
          throw new Error(`the region answered HTTP ${res.status} without its programmes, development areas and initiatives`);
        }
        const text = (v: unknown): v is string => typeof v === 'string';
        this.known = {
          funds: new Map(programmes.filter((p) => text(p.code) && text(p.fund) && FUNDS.has(p.fund)).map((p) => [p.code as string, p.fund as Fund])),
          areas: new Set(areas.map((a) => a.code).filter(text)),
          initiatives: new Set(initiatives.map((i) => i.id).filter(text)),
        };
      } catch (err) {
        this.options.logger?.warn({ err: (err as Error).message, regionUrl: this.options.regionUrl }, "could not read the region's catalogue; using the one known before");
      } finally {
        // Asked (answered or not): not again before minRefreshMs, so a region that is down is not hammered.
        this.fetchedAt = Date.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}
