import { Directive, Field, ObjectType } from 'type-graphql';
import { LocalDate } from '@samverkan/subgraph-kit/scalars';
import { ProjectStatus } from '../graphql/enums';

/**
 * An international project of a kommun, usually co-funded by an EU programme. Its GraphQL `id`
 * is `<kommunkod>:project:<n>`; the `budget`, `funding`, `partners`, `developmentAreas`,
 * `initiative` and `municipality` fields are resolved in `project.resolver.ts`.
 */
@ObjectType({ simpleResolvers: true, description: 'An international project of a kommun (internationellt projekt), often EU co-funded.' })
@Directive('@key(fields: "id")')
export class Project {
  localId!: number;

  municipalityCode!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => ProjectStatus)
  status!: ProjectStatus;

  @Field(() => LocalDate)
  startDate!: string;

  @Field(() => LocalDate, { nullable: true })
  endDate!: string | null;

  budgetTotal!: number | null;

  euCofinancing!: number | null;

  currency!: string;

  @Field(() => String, { nullable: true, description: 'The department or company that runs it (förvaltning/bolag).' })
  department!: string | null;

  initiativeId!: string | null;

  @Field({ description: 'true for generated demo volume, false for recorded facts.' })
  synthetic!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
