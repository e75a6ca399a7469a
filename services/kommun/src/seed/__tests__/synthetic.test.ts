import catalogue from '../../../../../schema/catalogue.json';
import gr from '../../../../../schema/regions/gr.json';
import examples from '../../../../../schema/regions/examples.json';
import { demoSeeds } from '../demo';
import { generateMemberships, generateProjects, generateTwinTowns } from '../synthetic';
import type { SeedProject } from '../types';

const programmeCodes = new Set(catalogue.fundingProgrammes.map((p) => p.code));
const programmeFund = new Map(catalogue.fundingProgrammes.map((p) => [p.code, p.fund]));
const areaCodes = new Set(catalogue.developmentAreas.map((a) => a.code));
const initiativeIds = new Set(catalogue.jointInitiatives.map((i) => i.id));
const networkIds = new Set(catalogue.networks.map((n) => n.id));
const grCodes = new Set(gr.members.map((m) => m.code));
const STATUSES = ['PLANNED', 'ONGOING', 'COMPLETED', 'CANCELLED'];

describe('generateProjects', () => {
  it('is deterministic for the same inputs', () => {
    expect(generateProjects('1480', 200)).toEqual(generateProjects('1480', 200));
    expect(generateProjects('1440', 50, { seed: 7 })).toEqual(generateProjects('1440', 50, { seed: 7 }));
    expect(generateMemberships('1441', 3)).toEqual(generateMemberships('1441', 3));
    expect(generateTwinTowns('1419')).toEqual(generateTwinTowns('1419'));
  });

  it('differs between kommuner and between seeds', () => {
    expect(generateProjects('1480', 20)).not.toEqual(generateProjects('1481', 20));
    expect(generateProjects('1480', 20, { seed: 1 })).not.toEqual(generateProjects('1480', 20, { seed: 2 }));
  });

  it('returns the requested count, is a prefix-stable sequence and is marked synthetic', () => {
    const many = generateProjects('1402', 100);
    expect(many).toHaveLength(100);
    expect(generateProjects('1402', 10)).toEqual(many.slice(0, 10));
    expect(many.every((p) => p.synthetic)).toBe(true);
    expect(generateProjects('1402', 0)).toEqual([]);
  });

  describe.each([...grCodes, '0583', '2081', '2180'])('kommun %s', (code) => {
    const projects: SeedProject[] = generateProjects(code, 300, { seed: 42 });

    it('references only catalogue programmes, areas and initiatives', () => {
      for (const p of projects) {
        for (const f of p.funding) {
          expect(programmeCodes.has(f.programme)).toBe(true);
          expect(programmeFund.get(f.programme)).toBe(f.fund);
        }
        expect(p.developmentAreas.length).toBeGreaterThanOrEqual(1);
        expect(p.developmentAreas.length).toBeLessThanOrEqual(2);
        for (const a of p.developmentAreas) expect(areaCodes.has(a)).toBe(true);
        if (p.initiative !== undefined) expect(initiativeIds.has(p.initiative)).toBe(true);
      }
    });

    it('has funding lines summing to euCofinancing within the budget rules', () => {
      for (const p of projects) {
        expect(p.funding.length).toBeGreaterThanOrEqual(1);
        expect(p.funding.length).toBeLessThanOrEqual(3);
        expect(new Set(p.funding.map((f) => f.programme)).size).toBe(p.funding.length);
        const sum = p.funding.reduce((s, f) => s + f.amount, 0);
        expect(sum).toBe(p.euCofinancing);
        expect(p.funding.every((f) => Number.isInteger(f.amount) && f.amount >= 0)).toBe(true);
        expect(Number.isInteger(p.budgetTotal)).toBe(true);
        expect(p.budgetTotal).toBeGreaterThanOrEqual(200_000);
        expect(p.budgetTotal).toBeLessThanOrEqual(50_000_000);
        expect(p.euCofinancing).toBeLessThanOrEqual(0.8 * (p.budgetTotal as number));
      }
    });

    it('has 1-5 partners with exactly one LEAD and valid kommun references', () => {
      for (const p of projects) {
        expect(p.partners.length).toBeGreaterThanOrEqual(1);
        expect(p.partners.length).toBeLessThanOrEqual(5);
        expect(p.partners.filter((x) => x.role === 'LEAD')).toHaveLength(1);
        for (const partner of p.partners) {
          expect(partner.country).toMatch(/^[A-Z]{2}$/);
          if (partner.municipality !== undefined) {
            expect(grCodes.has(partner.municipality)).toBe(true);
            expect(partner.municipality).not.toBe(code);
            expect(partner.country).toBe('SE');
          }
        }
      }
    });

    it('has consistent dates', () => {
      for (const p of projects) {
        expect(p.startDate).toMatch(/^20(1[4-9]|2[0-7])-\d{2}-\d{2}$/);
        expect(p.endDate).toBeDefined();
        const years = (Date.parse(p.endDate as string) - Date.parse(p.startDate)) / (365.25 * 24 * 3600 * 1000);
        expect(years).toBeGreaterThan(0.9);
        expect(years).toBeLessThan(4.1);
        expect(STATUSES).toContain(p.status);
      }
    });
  });

  it('spreads status over all four values and sometimes partners with another GR kommun', () => {
    const projects = generateProjects('1480', 2000);
    expect(new Set(projects.map((p) => p.status))).toEqual(new Set(STATUSES));
    expect(projects.some((p) => p.partners.some((x) => x.municipality !== undefined))).toBe(true);
    expect(projects.some((p) => p.initiative !== undefined)).toBe(true);
  });

  it('generates as many projects as asked, at benchmark volume too (its speed is printed by the benchmark)', () => {
    expect(generateProjects('1480', 20_000)).toHaveLength(20_000);
  });
});

describe('generateMemberships and generateTwinTowns', () => {
  it('give 0-3 items that reference the catalogue', () => {
    for (const code of grCodes) {
      const memberships = generateMemberships(code);
      expect(memberships.length).toBeLessThanOrEqual(3);
      for (const m of memberships) expect(networkIds.has(m.network)).toBe(true);
      const towns = generateTwinTowns(code);
      expect(towns.length).toBeLessThanOrEqual(3);
      expect(new Set(towns.map((t) => t.country)).size).toBe(towns.length);
    }
  });
});

describe('demo seeds and region manifests', () => {
  it('cover exactly the GR members and the seed examples', () => {
    const expected = [...gr.members, ...examples.members].map((m) => m.code).sort();
    expect(Object.keys(demoSeeds).sort()).toEqual(expected);
  });

  it('hold only facts (synthetic=false) that reference the catalogue', () => {
    for (const seed of Object.values(demoSeeds)) {
      for (const p of seed.projects) {
        expect(p.synthetic).toBe(false);
        for (const a of p.developmentAreas) expect(areaCodes.has(a)).toBe(true);
        if (p.initiative !== undefined) expect(initiativeIds.has(p.initiative)).toBe(true);
        for (const f of p.funding) expect(programmeCodes.has(f.programme)).toBe(true);
      }
      for (const m of seed.memberships) expect(networkIds.has(m.network)).toBe(true);
    }
  });

  it('have unique ports and kommunkoder', () => {
    const members = [...gr.members, ...examples.members];
    expect(new Set(members.map((m) => m.port)).size).toBe(members.length);
    expect(new Set(members.map((m) => m.code)).size).toBe(members.length);
  });
});
