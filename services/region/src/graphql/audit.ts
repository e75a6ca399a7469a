import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';

/*
 * The region's audit trail as the API shows it (see @samverkan/subgraph-kit's audit.ts). Its types have
 * names of their own: the kommun contract's AuditEntry is another subgraph's type, and the
 * supergraph composes both. There is no mutation on it.
 */

@ObjectType({ simpleResolvers: true, description: "One entity of the region's changed by one write: who, when, what, before and after (granskningslogg)." })
export class RegionAuditEntry {
  @Field(() => ID, { description: 'The entry, in the order entries were written.' })
  id!: string;

  @Field({ description: 'When the write was made (its transaction began).' })
  at!: Date;

  @Field({ description: "The writer's token subject (sub)." })
  actorSubject!: string;

  @Field({ description: "The writer's role: region-editor." })
  actorRole!: string;

  @Field(() => ID, { nullable: true, description: "The writer's kommun (kommunkod); null for a region editor." })
  actorMunicipality!: string | null;

  @Field({ description: 'The mutation that made the change, e.g. upsertNetwork.' })
  operation!: string;

  @Field({ description: 'The type of the entity changed: Municipality (the member registry), DevelopmentArea, Agreement, Network, FundingProgramme or JointInitiative.' })
  entityType!: string;

  @Field(() => ID, { description: "The entity's id or code." })
  entityId!: string;

  @Field(() => String, { nullable: true, description: "The entity's stored fields before the write, as JSON text; null when it was created." })
  before!: string | null;

  @Field(() => String, { nullable: true, description: "The entity's stored fields after the write, as JSON text; null when it was deleted." })
  after!: string | null;

  @Field(() => [String], { description: 'The top-level fields of before and after that differ: all of them on create and delete, none for a write that changed nothing.' })
  changedFields!: string[];
}

@ObjectType({ simpleResolvers: true })
export class RegionPageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class RegionAuditEntryEdge {
  @Field({ description: 'Opaque cursor; stays valid while entries are added.' })
  cursor!: string;

  @Field(() => RegionAuditEntry)
  node!: RegionAuditEntry;
}

@ObjectType({ simpleResolvers: true, description: "A page of the region's audit entries, newest first." })
export class RegionAuditEntryConnection {
  @Field(() => [RegionAuditEntryEdge])
  edges!: RegionAuditEntryEdge[];

  @Field(() => [RegionAuditEntry])
  nodes!: RegionAuditEntry[];

  @Field(() => RegionPageInfo)
  pageInfo!: RegionPageInfo;
}

@InputType({ description: "Restricts the region's audit log. Every given criterion must hold." })
export class RegionAuditFilter {
  @Field({ nullable: true, description: 'Municipality, DevelopmentArea, Agreement, Network, FundingProgramme or JointInitiative.' })
  @IsOptional()
  @MaxLength(100)
  entityType?: string;

  @Field(() => ID, { nullable: true, description: "One entity's history, e.g. eurocities." })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  entityId?: string;

  @Field({ nullable: true, description: "One writer's entries, by token subject." })
  @IsOptional()
  @MinLength(1)
  @MaxLength(300)
  actorSubject?: string;

  @Field({ nullable: true, description: 'One mutation, e.g. deleteNetwork.' })
  @IsOptional()
  @MaxLength(100)
  operation?: string;

  @Field({ nullable: true, description: 'Entries written at or after this time.' })
  @IsOptional()
  since?: Date;

  @Field({ nullable: true, description: 'Entries written before this time.' })
  @IsOptional()
  until?: Date;
}
