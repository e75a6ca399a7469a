import { Funding } from './funding';
import { Membership } from './membership';
import { Partner } from './partner';
import { Project } from './project';
import { ProjectArea } from './project-area';
import { Strategy } from './strategy';
import { TwinTown } from './twin-town';

export { Funding, Membership, Partner, Project, ProjectArea, Strategy, TwinTown };
export const entities = [Project, Funding, Partner, ProjectArea, Membership, TwinTown, Strategy];
