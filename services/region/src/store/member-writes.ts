import type { RegionContext } from '../context';
import type { Member } from '../entities';
import type { MemberInput } from '../graphql/inputs';
import { KOMMUNKOD } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import { putMembers } from './tables';
import { audited, auditedDelete, authorize, notFound, write } from './write-support';

/**
 * Adds a kommun to the member registry (medlemsregistret) or replaces its entry. `joined_at` is
 * set when the kommun joins and kept on every later change.
 */
export async function upsertMember(ctx: RegionContext, input: MemberInput): Promise<Member> {
  authorize(ctx);
  await write(ctx, 'upsertMember', (m, audit) =>
    audited(m, audit, 'Municipality', input.code, () =>
      putMembers(m, [
        {
          code: input.code,
          name: input.name,
          official_name: input.officialName ?? null,
          county: input.county,
          population: input.population ?? null,
          subgraph_url: input.subgraphUrl ?? null,
        },
      ]),
    ),
  );
  return (await ctx.loaders.memberByCode.load(input.code))!;
}

/** Removes a kommun from the registry; answers its code. */
export async function removeMember(ctx: RegionContext, code: string): Promise<string> {
  authorize(ctx);
  if (!KOMMUNKOD.test(code)) throw badInput('code', `must be a 4-digit SCB kommunkod such as 1480 (got ${JSON.stringify(code)})`);
  await write(ctx, 'removeMember', (m, audit) =>
    auditedDelete(m, audit, 'Municipality', code, () => notFound('member kommun', 'code', code), () => m.deleteFrom('member').where('code', '=', code).execute()),
  );
  return code;
}
