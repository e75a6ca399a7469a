/**
 * Builds the schema from the entity classes, which carry TypeORM's decorators (not pg).
 * @unit-tier-loads typeorm
 */
import { readFileSync } from 'node:fs';
import { CONTRACT_FILE, kommunContractSdl } from '../cli/emit-schema';

describe('schema/kommun.graphql', () => {
  it('is what the code emits (run `npm run schema` after changing the contract)', async () => {
    expect(readFileSync(CONTRACT_FILE, 'utf8')).toBe(await kommunContractSdl());
  });
});
