/**
 * Every installed dependency runs on the oldest Node the root `engines` allows: a dependency that
 * requires a newer one either goes, is held at a line that supports it (package.json `overrides`),
 * or `engines` changes. Read from the lock file, which records each package's `engines`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; link?: boolean }>;
};

describe('dependencies and the root engines', () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it('no installed package requires a newer Node than that', () => {
    const tooNew = Object.entries(lock.packages)
      .filter(([path, info]) => path.includes('node_modules/') && !info.link)
      .map(([path, info]) => ({ path, version: info.version, node: Array.isArray(info.engines) ? undefined : info.engines?.node }))
      .filter((p) => p.node !== undefined && !semver.satisfies(oldest, p.node))
      .map((p) => `${p.path}@${p.version} needs node ${p.node}`);
    expect(tooNew).toEqual([]);
  });
});
