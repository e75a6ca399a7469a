/**
 * The domain vocabulary, defined once: the values the kommun contract and the region's catalogues
 * speak. Plain enums without dependencies: each service registers them with its own GraphQL schema,
 * the seed data and the gateway read them as they are.
 */

/** The fund family a funding programme belongs to. */
export enum Fund {
  /** Europeiska socialfonden (ESF, ESF+) */
  ESF = 'ESF',
  /** Europeiska regionala utvecklingsfonden (ERUF) */
  ERDF = 'ERDF',
  INTERREG = 'INTERREG',
  ERASMUS = 'ERASMUS',
  /** Asyl-, migrations- och integrationsfonden */
  AMIF = 'AMIF',
  HORIZON = 'HORIZON',
  LIFE = 'LIFE',
  CREATIVE_EUROPE = 'CREATIVE_EUROPE',
  CEF = 'CEF',
  JTF = 'JTF',
  /** landsbygdsfonden */
  EAFRD = 'EAFRD',
  /** national funding, e.g. Sida, Tillväxtverket */
  NATIONAL = 'NATIONAL',
  OTHER = 'OTHER',
}

export const FUND_DESCRIPTION = 'The fund family a funding programme belongs to (ESF = Europeiska socialfonden, ERDF = ERUF, ...).';

/** Where a project stands. */
export enum ProjectStatus {
  PLANNED = 'PLANNED',
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

export enum PartnerType {
  MUNICIPALITY = 'MUNICIPALITY',
  REGION = 'REGION',
  UNIVERSITY = 'UNIVERSITY',
  COMPANY = 'COMPANY',
  NGO = 'NGO',
  AGENCY = 'AGENCY',
  NETWORK = 'NETWORK',
  OTHER = 'OTHER',
}

/** LEAD is the lead partner (projektägare). */
export enum PartnerRole {
  LEAD = 'LEAD',
  PARTNER = 'PARTNER',
  ASSOCIATE = 'ASSOCIATE',
}

export enum DecidingBody {
  /** kommunfullmäktige, the municipal council */
  KOMMUNFULLMAKTIGE = 'KOMMUNFULLMAKTIGE',
  /** kommunstyrelsen, the municipal executive board */
  KOMMUNSTYRELSEN = 'KOMMUNSTYRELSEN',
}

/** Sort key of a project list (see cursor.ts: ties break by kommunkod, then by ID). */
export enum ProjectOrderField {
  START_DATE = 'START_DATE',
  BUDGET_TOTAL = 'BUDGET_TOTAL',
  EU_COFINANCING = 'EU_COFINANCING',
  TITLE = 'TITLE',
  ID = 'ID',
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

/** A dimension to group project statistics by. */
export enum ProjectDimension {
  MUNICIPALITY = 'MUNICIPALITY',
  DEVELOPMENT_AREA = 'DEVELOPMENT_AREA',
  PROGRAMME = 'PROGRAMME',
  FUND = 'FUND',
  STATUS = 'STATUS',
  START_YEAR = 'START_YEAR',
  INITIATIVE = 'INITIATIVE',
}

/** What happened to an entity, as a subscription reports it. */
export enum ChangeKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}
