/**
 * Domain values both the kommun contract and the region's catalogues speak. Plain enums: each
 * service registers them with its own GraphQL schema.
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
