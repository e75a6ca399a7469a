import { Agreement } from './agreement';
import { DevelopmentArea } from './development-area';
import { FundingProgramme } from './funding-programme';
import { JointInitiative } from './joint-initiative';
import { Member } from './member';
import { Network } from './network';
import { Region } from './region';

export { Agreement, DevelopmentArea, FundingProgramme, JointInitiative, Member, Network, Region };
export const entities = [Region, Member, Agreement, DevelopmentArea, Network, FundingProgramme, JointInitiative];
