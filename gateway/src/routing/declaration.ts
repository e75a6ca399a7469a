import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql';

const connectionRule = z.object({
  kind: z.literal('connection'),
  edges: z.string(),
  cursor: z.string(),
  nodes: z.string(),
  pageInfo: z.string(),
  sum: z.array(z.string()).default([]),
  defaultFirst: z.number().int().min(0),
});
const groupRule = z.object({ kind: z.literal('group'), key: z.string(), sum: z.array(z.string()) });

const subscriptionRule = z.object({
  /** The selection the gateway subscribes to upstream, once per kommun. */
  select: z.string(),
  /** Path in an upstream event to the kommunkod it belongs to. */
  owner: z.string(),
  /** Fields resolved per event by a root query, with an argument taken from the event. */
  resolve: z.record(z.string(), z.object({ query: z.string(), argument: z.string(), from: z.string() })).default({}),
});

const declarationSchema = z.object({
  subgraph: z.string(),
  entities: z.record(
    z.string(),
    z.object({
      key: z.string(),
      /**
       * A kommun's data can point to this entity in another kommun (a partner's Municipality): nested
       * anywhere, its fields are asked of its owner. Without it, a shard only ever returns its own
       * (its projects, its memberships), which it answers where they are.
       */
      referencedAcrossKommuner: z.boolean().default(false),
    }),
  ),
  route: z.record(z.string(), z.string()),
  /**
   * Query fields whose owner must know who asks (a kommun's audit log): each one routed to its
   * owner under `route`. The gateway forwards no caller token on reads, so until it sends an
   * assertion of the caller for these, their owner answers them UNAUTHENTICATED.
   */
  identity: z.array(z.string()).default([]),
  prune: z.record(z.string(), z.string()).default({}),
  merge: z.record(z.string(), z.discriminatedUnion('kind', [connectionRule, groupRule])),
  subscriptions: z.record(z.string(), subscriptionRule).default({}),
});

/** The routing declaration beside the contract (schema/kommun.routing.json). */
export type RoutingDeclaration = z.infer<typeof declarationSchema>;
export type ConnectionRule = z.infer<typeof connectionRule>;
export type GroupRule = z.infer<typeof groupRule>;
export type SubscriptionRule = z.infer<typeof subscriptionRule>;

/**
 * Reads the declaration and checks it against the contract: every type, field and argument path
 * it names must exist, so that a typo stops the gateway at start instead of misrouting later.
 */
export function loadDeclaration(file: string, contract: GraphQLSchema): RoutingDeclaration {
  const parsed = declarationSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const d = parsed.data;
  const problems: string[] = [];
  const field = (coordinate: string) => {
    const [typeName, fieldName] = coordinate.split('.');
    const type = contract.getType(typeName);
    const f = type && isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!f) problems.push(`${coordinate} is not a field of the contract`);
    return f;
  };
  for (const [typeName, { key }] of Object.entries(d.entities)) {
    const type = contract.getType(typeName);
    if (!type || !isObjectType(type) || !type.getFields()[key]) problems.push(`entity ${typeName}.${key} is not in the contract`);
  }
  for (const [coordinate, path] of [...Object.entries(d.route), ...Object.entries(d.prune)]) {
    const f = field(coordinate);
    if (f && !f.args.some((a) => a.name === path.split('.')[0])) problems.push(`${coordinate} has no argument ${path.split('.')[0]}`);
  }
  for (const coordinate of d.identity) {
    if (!coordinate.startsWith('Query.')) problems.push(`identity: ${coordinate} is not a Query field`);
    else if (field(coordinate) && !d.route[coordinate]) problems.push(`identity: ${coordinate} is not routed to its owner (list it under route)`);
  }
  for (const [typeName, rule] of Object.entries(d.merge)) {
    const type = contract.getType(typeName);
    if (!type || !isObjectType(type)) {
      problems.push(`merge rule for ${typeName}: no such type`);
      continue;
    }
    const fields = type.getFields();
    const names = rule.kind === 'connection' ? [rule.edges, rule.nodes, rule.pageInfo, ...rule.sum] : [rule.key, ...rule.sum];
    for (const n of names) if (!fields[n]) problems.push(`merge rule for ${typeName}: no field ${n}`);
    if (rule.kind === 'connection' && fields[rule.edges]) {
      const edge = getNamedType(fields[rule.edges].type);
      if (!isObjectType(edge) || !edge.getFields()[rule.cursor]) problems.push(`merge rule for ${typeName}: edges have no ${rule.cursor}`);
    }
  }
  for (const [coordinate, rule] of Object.entries(d.subscriptions)) {
    const f = field(coordinate);
    if (!f) continue;
    for (const [name, r] of Object.entries(rule.resolve)) {
      const event = getNamedType(f.type);
      if (!isObjectType(event) || !event.getFields()[name]) problems.push(`${coordinate}: its type has no field ${name} to resolve`);
      const q = contract.getQueryType()?.getFields()[r.query];
      if (!q || !q.args.some((a) => a.name === r.argument)) problems.push(`${coordinate}: Query.${r.query}(${r.argument}) is not in the contract`);
    }
  }
  if (problems.length) throw new Error(`${file} does not fit the contract:\n  - ${problems.join('\n  - ')}`);
  return d;
}
