import { registerEnumType } from 'type-graphql';
import {
  ChangeKind,
  DecidingBody,
  Fund,
  FUND_DESCRIPTION,
  OrderDirection,
  PartnerRole,
  PartnerType,
  ProjectDimension,
  ProjectOrderField,
  ProjectStatus,
} from '@samverkan/contract';

// The vocabulary is the contract's (defined once there); this registers it with the schema.
export { ChangeKind, DecidingBody, Fund, OrderDirection, PartnerRole, PartnerType, ProjectDimension, ProjectOrderField, ProjectStatus };

registerEnumType(ProjectStatus, { name: 'ProjectStatus', description: 'Where a project stands.' });

registerEnumType(Fund, { name: 'Fund', description: FUND_DESCRIPTION });

registerEnumType(PartnerType, { name: 'PartnerType' });

registerEnumType(PartnerRole, { name: 'PartnerRole', description: 'LEAD is the lead partner (projektägare).' });

registerEnumType(DecidingBody, {
  name: 'DecidingBody',
  description: 'The body that decided: KOMMUNFULLMAKTIGE (council) or KOMMUNSTYRELSEN (executive board).',
});

registerEnumType(ProjectOrderField, {
  name: 'ProjectOrderField',
  description: 'Sort key of a project list. Ties break by kommunkod, then by ID, in the same direction. TITLE sorts by code point.',
});

registerEnumType(OrderDirection, { name: 'OrderDirection' });

registerEnumType(ProjectDimension, { name: 'ProjectDimension', description: 'A dimension to group project statistics by.' });

registerEnumType(ChangeKind, { name: 'ChangeKind' });
