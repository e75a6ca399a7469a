import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';

/** The Federation v2 spec the subgraphs link; 2.14.4 accepts v2.0 to v2.14. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.7';
const FEDERATION_IMPORTS = ['@key', '@shareable', '@external', '@requires', '@provides', '@tag', '@inaccessible'];

/** `__resolveReference` functions by entity type name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each subgraph types its own references and context
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any, info: any) => unknown }>;

export interface FederatedSchema {
  /** The executable subgraph schema (`_service`, `_entities` included). */
  schema: GraphQLSchema;
  /** The subgraph SDL as `_service { sdl }` answers it, for committing to `schema/`. */
  sdl: string;
}

/**
 * Builds a Federation v2 subgraph from type-graphql resolvers: type-graphql builds the schema,
 * its SDL (with `@key` and friends) gets the `@link` header, and @apollo/subgraph adds
 * `_service` and `_entities`. `referenceResolvers` maps entity type names to their
 * `__resolveReference`.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<FederatedSchema> {
  const built = await buildSchema({ ...options, skipCheck: true });
  const printed = printSchemaWithDirectives(built);
  const header = `extend schema @link(url: "${FEDERATION_LINK}", import: [${FEDERATION_IMPORTS.map((d) => `"${d}"`).join(', ')}])`;
  const typeDefs = parse(`${header}\n\n${printed}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- type-graphql's map, widened for buildSubgraphSchema
  const resolvers = createResolversMap(built) as Record<string, any>;
  for (const [typeName, extra] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...extra };
  }
  const schema = buildSubgraphSchema({ typeDefs, resolvers });
  return { schema, sdl: `${header}\n\n${printed}\n` };
}

