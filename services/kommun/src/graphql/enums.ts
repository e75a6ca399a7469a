import { registerEnumType } from 'type-graphql';
import { Fund, FUND_DESCRIPTION } from '@samverkan/common';
import type { DecidingBody as DB, Fund as F, PartnerRole as PR, PartnerType as PT, ProjectStatus as PS } from '../seed/types';

export enum ProjectStatus {
  PLANNED = 'PLANNED',
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(ProjectStatus, { name: 'ProjectStatus', description: 'Where a project stands.' });

export { Fund };
registerEnumType(Fund, { name: 'Fund', description: FUND_DESCRIPTION });

export enum PartnerType {
  MUNICIPALITY = 'MUNICIPALITY',
  REGION = 'REGION',
  UNIVERSITY = 'UNIVERSITY',
  COMPANY = 'COMPANY',
  NGO = 'NGO',
  AGENCY = 'AGENCY',
  NETWORK = 'NETWORK',
  OTHER = 'OTHER',
}
registerEnumType(PartnerType, { name: 'PartnerType' });

export enum PartnerRole {
  LEAD = 'LEAD',
  PARTNER = 'PARTNER',
  ASSOCIATE = 'ASSOCIATE',
}
registerEnumType(PartnerRole, { name: 'PartnerRole', description: 'LEAD is the lead partner (projektägare).' });

export enum DecidingBody {
  /** kommunfullmäktige, the municipal council */
  KOMMUNFULLMAKTIGE = 'KOMMUNFULLMAKTIGE',
  /** kommunstyrelsen, the municipal executive board */
  KOMMUNSTYRELSEN = 'KOMMUNSTYRELSEN',
}
registerEnumType(DecidingBody, {
  name: 'DecidingBody',
  description: 'The body that decided: KOMMUNFULLMAKTIGE (council) or KOMMUNSTYRELSEN (executive board).',
});

export enum ProjectOrderField {
  START_DATE = 'START_DATE',
  BUDGET_TOTAL = 'BUDGET_TOTAL',
  EU_COFINANCING = 'EU_COFINANCING',
  TITLE = 'TITLE',
  ID = 'ID',
}
registerEnumType(ProjectOrderField, {
  name: 'ProjectOrderField',
  description: 'Sort key of a project list. Ties break by kommunkod, then by ID, in the same direction. TITLE sorts by code point.',
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

export enum ProjectDimension {
  MUNICIPALITY = 'MUNICIPALITY',
  DEVELOPMENT_AREA = 'DEVELOPMENT_AREA',
  PROGRAMME = 'PROGRAMME',
  FUND = 'FUND',
  STATUS = 'STATUS',
  START_YEAR = 'START_YEAR',
  INITIATIVE = 'INITIATIVE',
}
registerEnumType(ProjectDimension, { name: 'ProjectDimension', description: 'A dimension to group project statistics by.' });

export enum ChangeKind {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
}
registerEnumType(ChangeKind, { name: 'ChangeKind' });

// The seed records and the GraphQL enums must agree; these assignments fail to compile if not.
const _status: `${ProjectStatus}` = '' as PS;
const _fund: `${Fund}` = '' as F;
const _pt: `${PartnerType}` = '' as PT;
const _pr: `${PartnerRole}` = '' as PR;
const _db: `${DecidingBody}` = '' as DB;
export const enumsAgree = [_status, _fund, _pt, _pr, _db].length === 5;
