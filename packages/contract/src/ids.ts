/**
 * Every kommun-owned ID carries its kommunkod, so that an ID alone says which kommun owns it:
 * `<kommunkod>:<kind>:<number>`, e.g. `1480:project:42`.
 */
export type EntityKind = 'project' | 'membership' | 'twintown';

export const KOMMUNKOD = /^\d{4}$/;

/**
 * A code or id in the region's catalogues (development areas, programmes, networks, initiatives),
 * as both the kommun contract and the region subgraph accept it.
 */
export const CATALOGUE_CODE = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,63}$/;
/** `<kommunkod>:<kind>:<n>`, the form of every kommun-owned id. */
export const OWNED_ID = /^(\d{4}):(project|membership|twintown):([1-9]\d{0,9})$/;

/** The largest local number: every kommun table is keyed by a PostgreSQL `serial` (an `integer`). */
export const MAX_LOCAL_ID = 2 ** 31 - 1;

export function formatId(code: string, kind: EntityKind, local: number): string {
  return `${code}:${kind}:${local}`;
}

export interface ParsedId {
  code: string;
  kind: EntityKind;
  local: number;
}

/**
 * Parses a kommun-owned ID; null when it is not one. A number past MAX_LOCAL_ID names nothing that
 * can exist, and would make PostgreSQL refuse the statement it reached.
 */
export function parseId(id: string, kind?: EntityKind): ParsedId | null {
  const m = OWNED_ID.exec(id);
  if (!m) return null;
  if (kind && m[2] !== kind) return null;
  const local = Number(m[3]);
  return local <= MAX_LOCAL_ID ? { code: m[1], kind: m[2] as EntityKind, local } : null;
}

/**
 * The problem with an id that has the form of a kommun-owned id but a number past MAX_LOCAL_ID,
 * which no key holds (a forged id, which would make PostgreSQL refuse the statement); else null.
 */
export function idRangeProblem(id: unknown): string | null {
  const m = typeof id === 'string' ? /^\d{4}:(?:project|membership|twintown):(\d+)$/.exec(id) : null;
  return m && Number(m[1]) > MAX_LOCAL_ID ? `${JSON.stringify(id)} holds a number larger than any key (at most ${MAX_LOCAL_ID})` : null;
}

/** The kommunkod an ID belongs to, or null when the ID is not a kommun-owned ID. */
export function ownerOf(id: string): string | null {
  const m = /^(\d{4}):/.exec(id);
  return m ? m[1] : null;
}

/**
 * The description of the shareable `Query.municipality`, which the kommun contract and the region
 * subgraph both serve: one text, so that the two compose without a hint.
 */
export const MUNICIPALITY_QUERY_DESCRIPTION =
  "A kommun by its 4-digit SCB kommunkod. A kommun's subgraph answers null for a kommun it does not serve (entities.own-and-foreign). A code that is not 4 digits: BAD_USER_INPUT (errors.malformed-kommunkod).";
