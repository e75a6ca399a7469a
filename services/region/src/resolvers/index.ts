// Imported in the order the API reads best: type-graphql prints fields in decoration order.
import { RegionResolver } from './region.resolver';
import { MemberResolver } from './member.resolver';
import { AgreementResolver, DevelopmentAreaResolver } from './development-area.resolver';
import { JointInitiativeResolver } from './joint-initiative.resolver';
import { NetworkResolver } from './network.resolver';
import { FundingProgrammeResolver } from './funding-programme.resolver';
import { RegionAuditResolver } from './audit.resolver';

export const resolvers = [
  RegionResolver,
  MemberResolver,
  DevelopmentAreaResolver,
  AgreementResolver,
  JointInitiativeResolver,
  NetworkResolver,
  FundingProgrammeResolver,
  RegionAuditResolver,
] as const;
