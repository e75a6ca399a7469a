import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A member kommun in the region's registry (medlemsregistret). In GraphQL it is the
 * `Municipality` entity; the kommun contract adds projects, memberships, twin towns and strategy
 * under the same key.
 */
@ObjectType('Municipality', { simpleResolvers: true, description: 'A Swedish kommun, keyed by its 4-digit SCB kommunkod.' })
@Directive('@key(fields: "code")')
@Entity({ name: 'member' })
export class Member {
  @Field(() => ID, { description: 'SCB kommunkod, e.g. 1480 for Göteborg.' })
  @PrimaryColumn({ type: 'char', length: 4 })
  code!: string;

  @Field({ description: 'Short name, e.g. Göteborg.' })
  @Column({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Official name, e.g. Göteborgs Stad.' })
  @Column({ name: 'official_name', type: 'text', nullable: true })
  officialName!: string | null;

  @Field({ description: 'The county (län), e.g. Västra Götalands län.' })
  @Column({ type: 'text' })
  county!: string;

  @Field(() => Int, { nullable: true, description: 'Inhabitants, as of the region\'s populationYear.' })
  @Column({ type: 'int', nullable: true })
  population!: number | null;

  @Field(() => String, { nullable: true, description: "URL of the kommun's own subgraph; null while it runs none." })
  @Column({ name: 'subgraph_url', type: 'text', nullable: true })
  subgraphUrl!: string | null;

  /** When the kommun entered the registry; kept when a seed or an upsert rewrites its row. */
  @Column({ name: 'joined_at', type: 'timestamptz', default: () => 'now()' })
  joinedAt!: Date;
}
