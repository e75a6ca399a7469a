import catalogue from '../../../schema/catalogue.json';
import type { Fund } from './graphql/enums';

/**
 * The region's catalogue as committed in schema/: the kommun uses it to know a funding
 * programme's fund when an editor names only the programme.
 */
const FUND_OF_PROGRAMME = new Map<string, Fund>(
  (catalogue.fundingProgrammes as Array<{ code: string; fund: string }>).map((p) => [p.code, p.fund as Fund]),
);

export function fundOf(programme: string): Fund | undefined {
  return FUND_OF_PROGRAMME.get(programme);
}
