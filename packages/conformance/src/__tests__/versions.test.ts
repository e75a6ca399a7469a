import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { announcedVersion, buildContract, contractFit, CONTRACT_VERSION, contractLink } from '../sdl';

const SCHEMA = join(__dirname, '../../../../schema');
const released = readdirSync(join(SCHEMA, 'contract'))
  .map((f) => /^kommun-v(\d+)\.(\d+)\.graphql$/.exec(f))
  .filter((m): m is RegExpExecArray => !!m)
  .map((m) => ({ version: `${m[1]}.${m[2]}`, major: Number(m[1]), minor: Number(m[2]), sdl: readFileSync(join(SCHEMA, 'contract', m[0]), 'utf8') }))
  .sort((a, b) => a.major - b.major || a.minor - b.minor);
const current = readFileSync(join(SCHEMA, 'kommun.graphql'), 'utf8');
const contract = buildContract(current);
const announce = (sdl: string, version: string) => `${sdl}\nextend schema @link(url: "${contractLink(version)}")\n`;

describe('the contract\'s versions', () => {
  it('schema/kommun.graphql is the latest released version, and announces it', () => {
    const latest = released.at(-1)!;
    expect(latest.version).toBe(CONTRACT_VERSION);
    expect(current).toBe(latest.sdl);
    expect(announcedVersion(current)).toBe(CONTRACT_VERSION);
  });

  it('each release bumps the major for a change that breaks, the minor for one that does not', async () => {
    expect(released.length).toBeGreaterThan(1);
    for (let i = 1; i < released.length; i++) {
      const [before, after] = [released[i - 1], released[i]];
      const changes = await diff(buildContract(before.sdl), buildContract(after.sdl));
      const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => c.message);
      const expected = breaking.length ? { major: before.major + 1, minor: 0 } : { major: before.major, minor: before.minor + 1 };
      expect({ from: before.version, to: after.version, breaking }).toEqual({ from: before.version, to: `${expected.major}.${expected.minor}`, breaking });
    }
  });
});

describe('contractFit: how a member fits the contract', () => {
  const v10 = released.find((r) => r.version === '1.0')!.sdl;

  it('a member on the current version fits whole', async () => {
    expect(await contractFit(contract, current)).toEqual({ problems: [], lacks: [], version: CONTRACT_VERSION });
  });

  it('a member that imports fewer federation directives than the contract file (only those it uses) still fits whole', async () => {
    const fewer = current.replace(/import: \[[^\]]*\]/, 'import: ["@key", "@shareable"]');
    expect(fewer).not.toBe(current);
    expect(await contractFit(contract, fewer)).toEqual({ problems: [], lacks: [], version: CONTRACT_VERSION });
  });

  it('a member announcing an older version (1.0, a major before 2.0) joins, lacking what was added since', async () => {
    const fit = await contractFit(contract, announce(v10, '1.0'));
    expect(fit.problems).toEqual([]);
    expect(fit.version).toBe('1.0');
    expect(fit.lacks).toEqual(expect.arrayContaining(['Query.auditLog', 'AuditEntry']));
  });

  it('a member on 1.2 joins, lacking the date range filters of 1.3', async () => {
    const v12 = released.find((r) => r.version === '1.2')!.sdl;
    const fit = await contractFit(contract, v12);
    expect(fit.problems).toEqual([]);
    expect(fit.version).toBe('1.2');
    expect(fit.lacks).toEqual(expect.arrayContaining(['DateRange', 'ProjectFilter.activeDuring', 'ProjectFilter.startDate']));
  });

  it('a member on 1.3 joins under 2.0 lacking nothing: its optional create inputs accept every create the gateway sends', async () => {
    const v13 = released.find((r) => r.version === '1.3')!.sdl;
    expect(v13).toMatch(/input ProjectInput \{[^}]*\n {2}title: String\n/);
    expect(await contractFit(contract, v13)).toEqual({ problems: [], lacks: [], version: '1.3' });
    // The diff that made 2.0 a major: inputs the contract now requires, which a 1.3 member's schema leaves optional.
    const breaking = (await diff(buildContract(v13), contract)).filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => c.path);
    expect(breaking).toEqual(expect.arrayContaining(['ProjectInput.title', 'ProjectInput.status', 'ProjectInput.startDate']));
  });

  it('a member whose schema would refuse what the gateway sends is refused, whatever version it announces, naming the field', async () => {
    const inProjectInput = (sdl: string) => sdl.replace(/(input ProjectInput \{[^}]*\n {2}department: )String\n/, '$1String!\n');
    for (const [sdl, version] of [[released.find((r) => r.version === '1.3')!.sdl, '1.3'], [current, CONTRACT_VERSION]] as const) {
      const strict = inProjectInput(sdl);
      expect(strict).not.toBe(sdl);
      const fit = await contractFit(contract, strict);
      expect({ version, problems: fit.problems }).toEqual({ version, problems: [expect.stringMatching(/ProjectInput\.department.*String!.*would refuse or misanswer what the gateway sends/)] });
    }
  });

  it('an older schema that does not say so is held to the whole contract', async () => {
    const fit = await contractFit(contract, v10);
    expect(fit.lacks).toEqual([]);
    expect(fit.problems).toEqual(expect.arrayContaining([expect.stringMatching(/auditLog.*announces no version/)]));
  });

  it('claiming the current version without its fields, another major, or a newer minor is refused', async () => {
    expect((await contractFit(contract, announce(v10, CONTRACT_VERSION))).problems).toEqual(expect.arrayContaining([expect.stringMatching(/auditLog/)]));
    const [major, minor] = CONTRACT_VERSION.split('.').map(Number);
    const unannounced = current.replace(/\s*@link\(url: "https:\/\/samverkan\.se[^)]*\)/, '');
    expect(announcedVersion(unannounced)).toBeNull();
    for (const version of [`${major + 1}.0`, `${major}.${minor + 1}`]) {
      expect((await contractFit(contract, announce(unannounced, version))).problems).toEqual([expect.stringMatching(new RegExp(`announces contract version ${version.replace('.', '\\.')}`))]);
    }
  });

  it('an older minor with a field of another shape is refused: lacking is allowed, differing is not', async () => {
    const changed = announce(v10.replace(/totalCount: Int!/, 'totalCount: String!'), '1.0');
    const fit = await contractFit(contract, changed);
    expect(fit.problems).toEqual(expect.arrayContaining([expect.stringMatching(/totalCount/)]));
  });
});
