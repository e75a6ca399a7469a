import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PartnerRole, PartnerType } from '../graphql/enums';
import type { Project } from './project';

/** An organisation taking part in a project. */
@ObjectType({ simpleResolvers: true, description: 'An organisation taking part in a project. A Swedish kommun partner links to its Municipality.' })
@Entity({ name: 'partner' })
export class Partner {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'project_id' })
  projectId!: number;

  @ManyToOne('Project', 'partnerRows', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. SE, IT.' })
  @Column({ type: 'char', length: 2 })
  country!: string;

  @Field(() => PartnerType)
  @Column({ type: 'text' })
  type!: PartnerType;

  @Field(() => PartnerRole)
  @Column({ type: 'text' })
  role!: PartnerRole;

  /** kommunkod when the partner is a Swedish kommun; resolved as a Municipality reference. */
  @Column({ name: 'municipality_code', type: 'char', length: 4, nullable: true })
  municipalityCode!: string | null;
}
