import { Field, Float, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Fund } from '../graphql/enums';
import { numeric } from './transformers';
import type { Project } from './project';

/** One funding line of a project: how much a programme contributes. */
@ObjectType({ simpleResolvers: true, description: 'How much one funding programme contributes to a project.' })
@Entity({ name: 'funding' })
@Index(['programmeCode'])
export class Funding {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'project_id' })
  projectId!: number;

  @ManyToOne('Project', 'fundingLines', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  /** Resolved as a `FundingProgramme` reference by the resolver. */
  @Column({ name: 'programme_code', type: 'text' })
  programmeCode!: string;

  @Field(() => Fund)
  @Column({ type: 'text' })
  fund!: Fund;

  @Field(() => Float)
  @Column({ type: 'numeric', precision: 16, scale: 2, transformer: numeric })
  amount!: number;
}
