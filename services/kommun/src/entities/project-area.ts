import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Project } from './project';

/** A project serves one or more of the region's development areas (utvecklingsområden). */
@Entity({ name: 'project_area' })
@Index(['areaCode'])
export class ProjectArea {
  @PrimaryColumn({ name: 'project_id' })
  projectId!: number;

  @PrimaryColumn({ name: 'area_code', type: 'text' })
  areaCode!: string;

  @ManyToOne('Project', 'areaRows', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;
}
