import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { Municipality } from './references';
import { PageInfo } from './types';

/*
 * The kommun's audit trail as the API shows it (see @samverkan/subgraph-kit's audit.ts). There is no
 * mutation on it: it is written by the writes themselves and refuses changes in the database.
 */

@ObjectType({ simpleResolvers: true, description: 'One entity changed by one write: who, when, what, before and after (granskningslogg).' })
export class AuditEntry {
  @Field(() => ID, { description: 'The entry, in the order entries were written.' })
  id!: string;

  @Field({ description: 'When the write was made (its transaction began).' })
  at!: Date;

  @Field({ description: "The writer's token subject (sub)." })
  actorSubject!: string;

  @Field({ description: "The writer's role: kommun-editor or region-editor." })
  actorRole!: string;

  @Field(() => ID, { nullable: true, description: "The writer's kommun (kommunkod); null for a region editor." })
  actorMunicipality!: string | null;

  @Field({ description: 'The mutation that made the change, e.g. updateProject.' })
  operation!: string;

  @Field({ description: 'The type of the entity changed: Project, Membership, TwinTown or Strategy.' })
  entityType!: string;

  @Field(() => ID, { description: "The entity's id (a strategy's is its kommunkod)." })
  entityId!: string;

  @Field(() => Municipality, { description: 'The kommun whose data it is.' })
  municipality!: Municipality;

  @Field(() => String, { nullable: true, description: "The entity's stored fields before the write, as JSON text; null when it was created." })
  before!: string | null;

  @Field(() => String, { nullable: true, description: "The entity's stored fields after the write, as JSON text; null when it was deleted." })
  after!: string | null;

  @Field(() => [String], { description: 'The top-level fields of before and after that differ: all of them on create and delete, none for a write that changed nothing.' })
  changedFields!: string[];
}

@ObjectType({ simpleResolvers: true })
export class AuditEntryEdge {
  @Field({ description: 'Opaque cursor; stays valid while entries are added.' })
  cursor!: string;

  @Field(() => AuditEntry)
  node!: AuditEntry;
}

@ObjectType({ simpleResolvers: true, description: 'A page of audit entries, newest first.' })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge])
  edges!: AuditEntryEdge[];

  @Field(() => [AuditEntry])
  nodes!: AuditEntry[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'Restricts an audit log. Every given criterion must hold.' })
export class AuditFilter {
  @Field({ nullable: true, description: 'Project, Membership, TwinTown or Strategy.' })
  @IsOptional()
  @MaxLength(100)
  entityType?: string;

  @Field(() => ID, { nullable: true, description: "One entity's history, e.g. 1480:project:42." })
  @IsOptional()
  @MinLength(1)
  @MaxLength(200)
  entityId?: string;

  @Field({ nullable: true, description: "One writer's entries, by token subject." })
  @IsOptional()
  @MinLength(1)
  @MaxLength(300)
  actorSubject?: string;

  @Field({ nullable: true, description: 'One mutation, e.g. deleteProject.' })
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
