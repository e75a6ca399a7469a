import { registerEnumType } from 'type-graphql';
import { Fund, FUND_DESCRIPTION } from '@samverkan/contract';

// The same enum object and description as the kommun contract: a Fund used both as an argument
// and as a field must be identical in every subgraph for the gateway to compose them.
export { Fund };
registerEnumType(Fund, { name: 'Fund', description: FUND_DESCRIPTION });
