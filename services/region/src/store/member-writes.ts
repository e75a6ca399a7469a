import type { RegionContext } from '../context';
import { Member } from '../entities';
import type { MemberInput } from '../graphql/inputs';
import { KOMMUNKOD } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import { audited, auditedDelete, authorize, notFound, write } from './write-support';

/**
 * Adds a kommun to the member registry (medlemsregistret) or replaces its entry. `joined_at` is
 * set when the kommun joins and kept on every later change.
 */
export async function upsertMember(ctx: RegionContext, input: MemberInput): Promise<Member> {
  authorize(ctx);
  await write(ctx, 'upsertMember', (m, audit) =>
    audited(m, audit, 'Municipality', input.code, () =>
      m.query(
        `INSERT INTO member (code, name, official_name, county, population, subgraph_url)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, official_name = EXCLUDED.official_name,
           county = EXCLUDED.county, population = EXCLUDED.population, subgraph_url = EXCLUDED.subgraph_url`,
        [input.code, input.name, input.officialName ?? null, input.county, input.population ?? null, input.subgraphUrl ?? null],
      ),
    ),
  );
  return (await ctx.loaders.memberByCode.load(input.code))!;
}

/** Removes a kommun from the registry; answers its code. */
export async function removeMember(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  if (!KOMMUNKOD.test(code)) throw badInput('code', `must be a 4-digit SCB kommunkod such as 1480 (got ${JSON.stringify(code)})`);
  await write(ctx, 'removeMember', (m, audit) =>
    auditedDelete(m, audit, 'Municipality', code, () => notFound('member kommun', 'code', code), () => m.getRepository(Member).delete({ code })),
  );
  return code;
}
