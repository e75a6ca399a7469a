import { Agreement } from './agreement';
import { DevelopmentArea } from './development-area';
import { FundingProgramme } from './funding-programme';
import { JointInitiative } from './joint-initiative';
import { Member } from './member';
import { Network } from './network';
import { Region } from './region';

// The GraphQL types of the region's rows; their tables and columns are named in store/tables.ts.
export { Agreement, DevelopmentArea, FundingProgramme, JointInitiative, Member, Network, Region };
