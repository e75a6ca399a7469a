import type DataLoader from 'dataloader';
import { CATALOGUE_CODE } from '@samverkan/contract';

/**
 * Looks a catalogue entry up by code or id. A malformed key names nothing that could exist, so it
 * answers null without a statement; `_entities` must answer null for it anyway.
 */
export function lookup<V>(loader: DataLoader<string, V | null>, key: unknown): Promise<V | null> {
  return typeof key === 'string' && CATALOGUE_CODE.test(key) ? loader.load(key) : Promise.resolve(null);
}
