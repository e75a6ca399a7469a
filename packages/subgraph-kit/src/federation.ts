import { GraphQLError, Kind, getNamedType, isObjectType, parse, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';

/** The Federation v2 spec the subgraphs link; 2.14.4 accepts v2.0 to v2.14. */
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.7';
const FEDERATION_IMPORTS = ['@key', '@shareable', '@external', '@requires', '@provides', '@tag', '@inaccessible'];

/** Checks the value of an entity's key, once its type is right: the problem with it, or null. */
export type KeyCheck = (key: unknown) => string | null;

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
 * `__resolveReference`. type-graphql reads decorator metadata: the service imports
 * reflect-metadata before its decorated classes (this package installs no global of its own).
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
  keyChecks: Record<string, KeyCheck> = {},
  /** More `@link`s on the schema: specs it implements (the kommun contract's version). */
  links: string[] = [],
): Promise<FederatedSchema> {
  const built = await buildSchema({ ...options, skipCheck: true });
  const printed = printSchemaWithDirectives(built);
  const header = [`extend schema @link(url: "${FEDERATION_LINK}", import: [${FEDERATION_IMPORTS.map((d) => `"${d}"`).join(', ')}])`, ...links.map((url) => `  @link(url: "${url}")`)].join('\n');
  const typeDefs = parse(`${header}\n\n${printed}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- type-graphql's map, widened for buildSubgraphSchema
  const resolvers = createResolversMap(built) as Record<string, any>;
  for (const [typeName, extra] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...extra };
  }
  const schema = buildSubgraphSchema({ typeDefs, resolvers });
  refuseMalformedRepresentations(schema, typeDefs, keyChecks);
  return { schema, sdl: `${header}\n\n${printed}\n` };
}

/**
 * `_entities` refuses representations that no gateway sends: not an object, without or with an
 * unknown `__typename`, a key missing or not of its type, or one its `keyChecks` entry refuses.
 * They answer one BAD_USER_INPUT naming each by its index, instead of @apollo/subgraph's internal
 * error or a database's. A well-formed key that names nothing still answers null.
 */
function refuseMalformedRepresentations(schema: GraphQLSchema, typeDefs: DocumentNode, keyChecks: Record<string, KeyCheck>): void {
  const keys = new Map<string, string[]>();
  for (const d of typeDefs.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const key = d.directives?.find((x) => x.name.value === 'key')?.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (key?.kind !== Kind.STRING) continue;
    const { selectionSet } = parse(`{ ${key.value} }`).definitions[0] as OperationDefinitionNode;
    keys.set(d.name.value, selectionSet.selections.flatMap((f) => (f.kind === Kind.FIELD ? [f.name.value] : [])));
  }
  const entities = [...keys.keys()].sort().join(', ');
  const problemOf = (rep: unknown): { field: string; problem: string } | null => {
    if (rep === null || typeof rep !== 'object' || Array.isArray(rep)) return { field: '', problem: 'must be an object with __typename and the key' };
    const { __typename: typename, ...values } = rep as Record<string, unknown>;
    if (typeof typename !== 'string') return { field: '.__typename', problem: 'must name an entity of this subgraph' };
    const fields = keys.get(typename);
    const type = schema.getType(typename);
    if (!fields || !isObjectType(type)) return { field: '.__typename', problem: `${JSON.stringify(typename.slice(0, 80))} is not an entity of this subgraph (${entities})` };
    for (const name of fields) {
      const value = values[name];
      if (value === undefined || value === null) return { field: `.${name}`, problem: `is required (the key of ${typename})` };
      const scalar = getNamedType(type.getFields()[name].type).name;
      const wanted = scalar === 'Int' ? 'number' : scalar === 'ID' || scalar === 'String' ? 'string' : null;
      if (wanted && typeof value !== wanted) return { field: `.${name}`, problem: `must be a ${wanted} (got ${Array.isArray(value) ? 'a list' : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`})` };
    }
    const problem = keyChecks[typename]?.(values[fields[0]]);
    return problem ? { field: `.${fields[0]}`, problem } : null;
  };
  const entitiesField = schema.getQueryType()?.getFields()._entities;
  const resolve = entitiesField?.resolve as GraphQLFieldResolver<unknown, unknown> | undefined;
  if (!entitiesField || !resolve) return;
  entitiesField.resolve = (source, args: { representations: unknown[] }, context, info) => {
    const fields = args.representations.flatMap((rep, i) => {
      const p = problemOf(rep);
      return p ? [{ field: `representations[${i}]${p.field}`, problems: [p.problem] }] : [];
    });
    if (!fields.length) return resolve(source, args, context, info);
    const shown = fields.slice(0, 5).map((f) => `${f.field}: ${f.problems[0]}`);
    if (fields.length > 5) shown.push(`and ${fields.length - 5} more`);
    throw new GraphQLError(`Invalid input: ${shown.join('; ')}.`, { extensions: { code: 'BAD_USER_INPUT', fields: fields.slice(0, 100) } });
  };
}

