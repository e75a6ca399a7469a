import { ProjectConnectionResolver } from './connection.resolver';
import { MembershipResolver, TwinTownResolver } from './membership.resolver';
import { MunicipalityResolver, StrategyResolver } from './municipality.resolver';
import { FundingResolver, PartnerResolver, ProjectResolver, ProjectStatsResolver } from './project.resolver';
import { DevelopmentAreaResolver, FundingProgrammeResolver, JointInitiativeResolver, NetworkResolver } from './region-refs.resolver';
import { ProjectChangeFieldsResolver, ProjectChangeResolver } from './subscription.resolver';
// Last: type-graphql prints fields in decoration order, and the audit log reads best after the data.
import { AuditResolver } from './audit.resolver';

export const resolvers = [
  ProjectResolver,
  ProjectStatsResolver,
  ProjectConnectionResolver,
  FundingResolver,
  PartnerResolver,
  MunicipalityResolver,
  StrategyResolver,
  MembershipResolver,
  TwinTownResolver,
  DevelopmentAreaResolver,
  FundingProgrammeResolver,
  JointInitiativeResolver,
  NetworkResolver,
  ProjectChangeResolver,
  ProjectChangeFieldsResolver,
  AuditResolver,
] as const;
