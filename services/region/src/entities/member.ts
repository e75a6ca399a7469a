import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * A member kommun in the region's registry (medlemsregistret). In GraphQL it is the
 * `Municipality` entity; the kommun contract adds projects, memberships, twin towns and strategy
 * under the same key.
 */
@ObjectType('Municipality', { simpleResolvers: true, description: 'A Swedish kommun, keyed by its 4-digit SCB kommunkod.' })
@Directive('@key(fields: "code")')
export class Member {
  @Field(() => ID, { description: 'SCB kommunkod, e.g. 1480 for Göteborg.' })
  code!: string;

  @Field({ description: 'Short name, e.g. Göteborg.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Official name, e.g. Göteborgs Stad.' })
  officialName!: string | null;

  @Field({ description: 'The county (län), e.g. Västra Götalands län.' })
  county!: string;

  @Field(() => Int, { nullable: true, description: 'Inhabitants, as of the region\'s populationYear.' })
  population!: number | null;

  @Field(() => String, { nullable: true, description: "URL of the kommun's own subgraph; null while it runs none." })
  subgraphUrl!: string | null;

  /** When the kommun entered the registry; kept when a seed or an upsert rewrites its row. */
  joinedAt!: Date;
}
