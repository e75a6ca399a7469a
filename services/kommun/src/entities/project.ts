import { Directive, Field, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ProjectStatus } from '../graphql/enums';
import { numeric } from './transformers';
import type { Funding } from './funding';
import type { Partner } from './partner';
import type { ProjectArea } from './project-area';

/**
 * An international project of a kommun, usually co-funded by an EU programme. Its GraphQL `id`
 * is `<kommunkod>:project:<n>`; the `budget`, `funding`, `partners`, `developmentAreas`,
 * `initiative` and `municipality` fields are resolved in `project.resolver.ts`.
 */
@ObjectType({ simpleResolvers: true, description: 'An international project of a kommun (internationellt projekt), often EU co-funded.' })
@Directive('@key(fields: "id")')
@Entity({ name: 'project' })
@Index(['municipalityCode', 'startDate'])
export class Project {
  @PrimaryGeneratedColumn({ name: 'id' })
  localId!: number;

  @Column({ name: 'municipality_code', type: 'char', length: 4 })
  municipalityCode!: string;

  @Field()
  @Column({ type: 'text' })
  title!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Field(() => ProjectStatus)
  @Column({ type: 'text' })
  status!: ProjectStatus;

  @Field(() => LocalDateResolver)
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ name: 'end_date', type: 'date', nullable: true })
  endDate!: string | null;

  @Column({ name: 'budget_total', type: 'numeric', precision: 16, scale: 2, nullable: true, transformer: numeric })
  budgetTotal!: number | null;

  @Column({ name: 'eu_cofinancing', type: 'numeric', precision: 16, scale: 2, nullable: true, transformer: numeric })
  euCofinancing!: number | null;

  @Column({ type: 'char', length: 3, default: 'SEK' })
  currency!: string;

  @Field(() => String, { nullable: true, description: 'The department or company that runs it (förvaltning/bolag).' })
  @Column({ type: 'text', nullable: true })
  department!: string | null;

  @Column({ name: 'initiative_id', type: 'text', nullable: true })
  initiativeId!: string | null;

  @Field({ description: 'true for generated demo volume, false for recorded facts.' })
  @Column({ type: 'boolean', default: false })
  synthetic!: boolean;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany('Funding', 'project', { cascade: true })
  fundingLines?: Funding[];

  @OneToMany('Partner', 'project', { cascade: true })
  partnerRows?: Partner[];

  @OneToMany('ProjectArea', 'project', { cascade: true })
  areaRows?: ProjectArea[];
}
