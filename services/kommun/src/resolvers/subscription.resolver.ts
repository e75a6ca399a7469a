import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { filter, pipe, type PubSub } from '@graphql-yoga/subscription';
import { badInput, formatId, KOMMUNKOD } from '@samverkan/common';
import type { KommunContext } from '../context';
import { ChangeKind } from '../graphql/enums';
import { ProjectChange } from '../graphql/types';
import { createLoaders } from '../store/loaders';
import type { ProjectChangeMessage } from '../store/writes';

export const PROJECT_CHANGED = 'PROJECT_CHANGED';
export type KommunPubSub = PubSub<{ [PROJECT_CHANGED]: [ProjectChangeMessage] }>;

export type SubscriptionContext = KommunContext & { pubSub: KommunPubSub };

function checkCodes(codes: unknown): string[] | null {
  if (codes == null) return null;
  if (!Array.isArray(codes) || codes.length > 400) throw badInput('municipalities', 'must be a list of at most 400 kommunkoder');
  codes.forEach((c, i) => {
    if (typeof c !== 'string' || !KOMMUNKOD.test(c)) throw badInput(`municipalities[${i}]`, `must be a 4-digit SCB kommunkod (got ${JSON.stringify(c)})`);
  });
  return codes;
}

@Resolver()
export class ProjectChangeResolver {
  @Subscription(() => ProjectChange, {
    description: 'Fires on every project write in the given kommuner (all when omitted).',
    subscribe: ({ args, context }) => {
      const codes = checkCodes(args.municipalities);
      const wanted = codes ? new Set(codes) : null;
      const source = (context as SubscriptionContext).pubSub.subscribe(PROJECT_CHANGED);
      return pipe(source, filter((m: ProjectChangeMessage) => !wanted || wanted.has(m.code)));
    },
  })
  async projectChanged(
    @Root() message: ProjectChangeMessage,
    @Ctx() ctx: KommunContext,
    @Arg('municipalities', () => [ID], { nullable: true }) _municipalities?: string[],
  ): Promise<ProjectChange> {
    // Each event is a new read: the subscription's context lives as long as the subscription,
    // so its loaders are replaced rather than answering from an earlier event's cache.
    ctx.loaders = createLoaders(ctx.db);
    const project = message.kind === ChangeKind.DELETED ? null : await ctx.loaders.projectById.load(message.local);
    return {
      kind: message.kind,
      projectId: formatId(message.code, 'project', message.local),
      municipality: { code: message.code },
      project,
      at: new Date(message.at),
    };
  }
}
