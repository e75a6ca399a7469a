import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256, TrustedDocuments } from '../trusted-documents';

const doc = 'query Catalogue { region { name } }';
const manifestFile = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'trusted-documents.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('TrustedDocuments', () => {
  const trusted = TrustedDocuments.load(manifestFile({ [sha256(doc)]: doc }));

  it('serves a document by its hash to Apollo\'s persisted-query cache, and keeps what clients register apart', async () => {
    const cache = trusted.persistedQueryCache();
    expect(await cache.get(`apq:${sha256(doc)}`)).toBe(doc);
    expect(await cache.get('apq:unknown')).toBeUndefined();
    await cache.set('apq:other', '{ region { id } }');
    expect(await cache.get('apq:other')).toBe('{ region { id } }');
    expect(trusted.trusts('{ region { id } }')).toBe(false);
  });

  it('lets a trusted document through by hash (POST object or GET string) or by text, and refuses anything else', () => {
    expect(trusted.refusal({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(doc) } } })).toBeNull();
    expect(trusted.refusal({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(doc) } }) })).toBeNull();
    expect(trusted.refusal({ query: doc })).toBeNull();
    for (const request of [{ query: '{ region { name } }' }, { extensions: { persistedQuery: { sha256Hash: '0'.repeat(64) } } }, {}, { query: doc + ' ' }]) {
      expect(trusted.refusal(request)?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TRUSTED_DOCUMENTS_ONLY' });
    }
    // Text and hash must agree: a trusted hash does not carry other text through.
    expect(trusted.refusal({ query: '{ region { name } }', extensions: { persistedQuery: { sha256Hash: sha256(doc) } } })).not.toBeNull();
  });

  it('holds none when there is no manifest, and refuses one whose hash is not its document\'s', () => {
    expect(TrustedDocuments.load('/nonexistent/trusted-documents.json').size).toBe(0);
    expect(() => TrustedDocuments.load(manifestFile({ ['a'.repeat(64)]: doc }))).toThrow(/not the sha256 of its document/);
    expect(() => TrustedDocuments.load(manifestFile({ short: doc }))).toThrow(/sha256/);
  });
});
