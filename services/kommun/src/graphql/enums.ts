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
  description:
    'Sort key of a project list: START_DATE by date; BUDGET_TOTAL and EU_COFINANCING by amount, an unrecorded amount as 0 (order.<FIELD>.<DIR>.nulls); TITLE by Unicode code point (the byte order of UTF-8, PostgreSQL\'s COLLATE "C"; not a locale\'s order); ID by kommunkod. Every order lists the same projects (order.<FIELD>.<DIR>). Equal values break by kommunkod, then by the id\'s number (numerically), both in the list\'s direction (order.<FIELD>.<DIR>.tiebreak).',
});

registerEnumType(OrderDirection, { name: 'OrderDirection' });

registerEnumType(ProjectDimension, {
  name: 'ProjectDimension',
  description:
    'A dimension to group project statistics by. A project counts once in every group it belongs to: once per development area it serves; once per programme or fund it has lines of, its lines summed per group as fundingAmount; without a value (no area, no funding, no initiative) in the group of the empty value. Groups come ordered by value ascending (text by code point, years as numbers), the empty value last (stats.groups.<DIMENSION>).',
});

registerEnumType(ChangeKind, { name: 'ChangeKind' });
