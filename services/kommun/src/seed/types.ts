/**
 * Plain demo records, independent of TypeORM and GraphQL, so that the same data can seed a
 * kommun's own database, a combined benchmark database, or be compared in tests.
 */
import type {
  DecidingBody as ContractDecidingBody,
  Fund as ContractFund,
  PartnerRole as ContractPartnerRole,
  PartnerType as ContractPartnerType,
  ProjectStatus as ContractProjectStatus,
} from '@samverkan/contract';

// The contract's vocabulary (defined once there), as the plain strings the seed records spell.
/** Fund families (EU and national) that a funding programme belongs to. */
export type Fund = `${ContractFund}`;
export type ProjectStatus = `${ContractProjectStatus}`;
export type PartnerType = `${ContractPartnerType}`;
export type PartnerRole = `${ContractPartnerRole}`;
/** kommunfullmäktige (the council) or kommunstyrelsen (the executive board). */
export type DecidingBody = `${ContractDecidingBody}`;

export interface SeedFunding {
  /** Code of a programme in the region's catalogue, e.g. 'ESF-2014-2020'. */
  programme: string;
  fund: Fund;
  amount: number;
}

export interface SeedPartner {
  name: string;
  /** ISO 3166-1 alpha-2, e.g. 'SE', 'IT'. */
  country: string;
  type: PartnerType;
  role: PartnerRole;
  /** 4-digit SCB kommunkod when the partner is a Swedish kommun. */
  municipality?: string;
}

export interface SeedProject {
  title: string;
  summary?: string;
  status: ProjectStatus;
  /** ISO date, YYYY-MM-DD. */
  startDate: string;
  endDate?: string;
  /** Total budget; undefined when the source does not say. */
  budgetTotal?: number;
  /** EU co-financing share of the budget, same currency. */
  euCofinancing?: number;
  currency: 'SEK' | 'EUR';
  department?: string;
  /** Development area codes of the region, e.g. 'EU-FUNDS'. */
  developmentAreas: string[];
  /** Joint initiative id of the region, e.g. 'gr-samsyn'. */
  initiative?: string;
  funding: SeedFunding[];
  partners: SeedPartner[];
  /** true for generated volume; false for facts taken from the seed pages. */
  synthetic: boolean;
}

export interface SeedMembership {
  /** Network id in the region's catalogue, e.g. 'eurocities'. */
  network: string;
  /** ISO date the membership began (YYYY-01-01 when only the year is known). */
  since?: string;
  decidedBy?: DecidingBody;
  decisionDate?: string;
  forums: string[];
}

export interface SeedTwinTown {
  city: string;
  country: string;
  since?: number;
  focus: string[];
}

export interface SeedStrategy {
  title: string;
  adoptedBy: DecidingBody;
  adoptedOn?: string;
  priorities: string[];
  summary?: string;
}

/** Everything one kommun's database holds. */
export interface KommunSeed {
  code: string;
  projects: SeedProject[];
  memberships: SeedMembership[];
  twinTowns: SeedTwinTown[];
  strategy?: SeedStrategy;
}
