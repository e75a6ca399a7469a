import { Funding } from './funding';
import { Membership } from './membership';
import { Partner } from './partner';
import { Project } from './project';
import { Strategy } from './strategy';
import { TwinTown } from './twin-town';

// The GraphQL types of the kommun's rows; their tables and columns are named in store/tables.ts.
export { Funding, Membership, Partner, Project, Strategy, TwinTown };
