import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { filter, pipe, type PubSub } from '@graphql-yoga/subscription';
import { formatId, KOMMUNKOD } from '@samverkan/contract';
import { badInput } from '@samverkan/server-kit';
import type { KommunContext } from '../context';
import { ChangeKind } from '../graphql/enums';
import { Project } from '../entities';
import { ProjectChange } from '../graphql/types';
import { createLoaders } from '../store/loaders';
import type { ChangeListener, ProjectChangeMessage } from '../store/notifications';

export const PROJECT_CHANGED = 'PROJECT_CHANGED';
export type KommunPubSub = PubSub<{ [PROJECT_CHANGED]: [ProjectChangeMessage] }>;

export type SubscriptionContext = KommunContext & { pubSub: KommunPubSub; changes: ChangeListener };

/** `source`, calling `end` once when it finishes or its consumer stops (`return`/`throw`). */
function onEnd<T>(source: AsyncIterable<T>, end: () => void): AsyncIterableIterator<T> {
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    end();
  };
  return {
    next: async () => {
      const r = await it.next();
      if (r.done) finish();
      return r;
    },
    return: async (value?: unknown) => {
      finish();
      return it.return ? it.return(value) : { done: true, value };
    },
    throw: async (err?: unknown) => {
      finish();
      if (it.throw) return it.throw(err);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

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
    description:
      'Fires on every project write in the given kommuner (all when omitted): CREATED, UPDATED and DELETED, naming the project and its kommun (writes.event). Served over graphql-ws on the subgraph\'s URL.',
    subscribe: async ({ args, context }) => {
      const codes = checkCodes(args.municipalities);
      const wanted = codes ? new Set(codes) : null;
      const ctx = context as SubscriptionContext;
      // The database's LISTEN is open before the subscription starts, so no committed change after it is missed.
      const release = await ctx.changes.hold();
      const source = ctx.pubSub.subscribe(PROJECT_CHANGED);
      return onEnd(pipe(source, filter((m: ProjectChangeMessage) => !wanted || wanted.has(m.code))), release);
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
    // What the event itself says needs no read; the project is read only when it is asked for.
    return {
      kind: message.kind,
      projectId: formatId(message.code, 'project', message.local),
      municipality: { code: message.code },
      local: message.local,
      at: new Date(message.at),
    };
  }
}

@Resolver(() => ProjectChange)
export class ProjectChangeFieldsResolver {
  /** Read when selected; a failed read is an error on this field alone, the event still arrives. */
  @FieldResolver(() => Project, { nullable: true })
  async project(@Root() change: ProjectChange, @Ctx() ctx: KommunContext): Promise<Project | null> {
    return change.kind === ChangeKind.DELETED ? null : ctx.loaders.projectById.load(change.local);
  }

}
