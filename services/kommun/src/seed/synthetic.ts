/**
 * Deterministic generator of synthetic demo volume (benchmarks, load tests).
 *
 * Every record made here is invented. Projects carry `synthetic: true`; memberships and twin
 * towns have no such flag, so callers must label them as synthetic wherever they are shown.
 *
 * Determinism: all randomness comes from a small seeded PRNG (mulberry32) keyed on the kommunkod,
 * the optional seed and the kind of record. No Math.random, no clock: the same inputs always give
 * deep-equal output, and status is derived from a fixed reference date.
 */
import catalogueJson from '../../../../schema/catalogue.json';
import grJson from '../../../../schema/regions/gr.json';
import { Fund as ContractFund } from '@samverkan/contract';
import type {
  Fund,
  PartnerType,
  ProjectStatus,
  SeedFunding,
  SeedMembership,
  SeedPartner,
  SeedProject,
  SeedTwinTown,
} from './types';

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** 32-bit FNV-1a hash of a string, used to turn (kommunkod, seed, kind) into a PRNG state. */
export function hashString(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: tiny, fast, good-enough 32-bit PRNG. */
export function mulberry32(state: number): Rng {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** PRNG for one kommun, one seed and one kind of record. */
export function createRng(code: string, seed = 0, kind = 'projects'): Rng {
  return mulberry32(hashString(`${code}:${seed}:${kind}`));
}

const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const chance = (rng: Rng, p: number): boolean => rng() < p;

/** Up to `count` distinct items, in random order (partial Fisher–Yates on a copy). */
function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const copy = items.slice();
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng() * (copy.length - i));
    const tmp = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = tmp;
  }
  return copy.slice(0, n);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const isoDate = (year: number, month: number, day: number): string => `${year}-${pad2(month)}-${pad2(day)}`;

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

export interface GeneratorProgramme {
  code: string;
  fund: Fund;
  /** First and last year of the programme period; undefined for open-ended national funding. */
  fromYear?: number;
  toYear?: number;
}

export interface GeneratorInitiative {
  id: string;
  started?: number;
  developmentAreas: readonly string[];
}

/** The parts of a region's catalogue (catalogue.json + region manifest) the generator draws on. */
export interface GeneratorCatalogue {
  programmes: readonly GeneratorProgramme[];
  developmentAreas: readonly string[];
  initiatives: readonly GeneratorInitiative[];
  /** Swedish kommuner that may appear as partners (code and official name). */
  municipalities: readonly { code: string; name: string }[];
  /** Networks a kommun can join directly (synthetic memberships are drawn from these). */
  networks: readonly { id: string; forums: readonly string[] }[];
}

const FUNDS: readonly Fund[] = Object.values(ContractFund);
const isFund = (value: string): value is Fund => (FUNDS as readonly string[]).includes(value);

/** Funds that count as EU co-financing (national funding such as Sida does not). */
const EU_FUNDS: ReadonlySet<Fund> = new Set<Fund>([
  'ESF',
  'ERDF',
  'INTERREG',
  'ERASMUS',
  'AMIF',
  'HORIZON',
  'LIFE',
  'CREATIVE_EUROPE',
  'CEF',
  'JTF',
  'EAFRD',
]);

function parsePeriod(period: string | undefined): { fromYear?: number; toYear?: number } {
  const m = period === undefined ? null : /^(\d{4})-(\d{4})$/.exec(period);
  return m ? { fromYear: Number(m[1]), toYear: Number(m[2]) } : {};
}

/** Builds the generator's view of the region's catalogue from catalogue.json and gr.json. */
function buildDefaultCatalogue(): GeneratorCatalogue {
  const programmes = catalogueJson.fundingProgrammes.map((p): GeneratorProgramme => {
    if (!isFund(p.fund)) throw new Error(`catalogue.json: unknown fund '${p.fund}' in programme ${p.code}`);
    const period: string | undefined = 'period' in p ? p.period : undefined;
    return { code: p.code, fund: p.fund, ...parsePeriod(period) };
  });
  return {
    programmes,
    developmentAreas: catalogueJson.developmentAreas.map((a) => a.code),
    initiatives: catalogueJson.jointInitiatives.map((i) => ({
      id: i.id,
      started: i.started,
      developmentAreas: i.developmentAreas,
    })),
    municipalities: grJson.members.map((m) => ({ code: m.code, name: m.officialName })),
    networks: catalogueJson.networks
      .filter((n) => n.memberType === 'municipality')
      .map((n) => ({ id: n.id, forums: n.forums })),
  };
}

/** The default catalogue: GR's catalogue.json and gr.json. */
export const defaultCatalogue: GeneratorCatalogue = buildDefaultCatalogue();

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

const THEMES = [
  'Hållbar mobilitet',
  'Digital inkludering',
  'Green Transition',
  'Unga i arbete',
  'Smart Energy',
  'Cirkulär ekonomi',
  'Kulturarv',
  'Integration',
  'Kompetensförsörjning',
  'Blue Growth',
  'Klimatanpassning',
  'Active Ageing',
  'Trygg skola',
  'Urban Food',
  'Social innovation',
  'Entreprenörskap',
  'Vatten och hav',
  'Smart City',
];

const FORMS = [
  'Lab',
  'Partnerskap',
  'Bridges',
  'Nätverk',
  'Pilot',
  'Academy',
  'Samverkan',
  'Forum',
  'Exchange',
  'Steg',
];

/** Functional departments (förvaltningar and kontor). Never persons. */
const DEPARTMENTS = [
  'Kommunledningskontoret',
  'Internationella kontoret',
  'Utbildningsförvaltningen',
  'Socialförvaltningen',
  'Miljöförvaltningen',
  'Samhällsbyggnadsförvaltningen',
  'Kulturförvaltningen',
  'Näringslivsenheten',
  'Arbetsmarknadsenheten',
  'Vård- och omsorgsförvaltningen',
];

interface CountryPool {
  country: string;
  cities: readonly string[];
  regions: readonly string[];
}

/** Partner countries with a few real place names; the partners themselves are invented. */
const FOREIGN: readonly CountryPool[] = [
  { country: 'IT', cities: ['Bologna', 'Modena', 'Parma', 'Ferrara', 'Torino'], regions: ['Emilia-Romagna', 'Piemonte'] },
  { country: 'FI', cities: ['Tampere', 'Turku', 'Oulu', 'Vaasa'], regions: ['Pirkanmaa', 'Uusimaa'] },
  { country: 'DE', cities: ['Bremen', 'Kiel', 'Rostock', 'Leipzig'], regions: ['Schleswig-Holstein', 'Sachsen'] },
  { country: 'ES', cities: ['Bilbao', 'Valencia', 'Sevilla', 'Zaragoza'], regions: ['Euskadi', 'Andalucía'] },
  { country: 'PL', cities: ['Gdańsk', 'Gdynia', 'Poznań', 'Wrocław'], regions: ['Pomorskie', 'Wielkopolska'] },
  { country: 'EE', cities: ['Tartu', 'Pärnu', 'Tallinn'], regions: ['Tartumaa', 'Harjumaa'] },
  { country: 'LV', cities: ['Riga', 'Liepāja', 'Valmiera'], regions: ['Vidzeme', 'Kurzeme'] },
  { country: 'LT', cities: ['Kaunas', 'Klaipėda'], regions: ['Klaipėda County'] },
  { country: 'NL', cities: ['Rotterdam', 'Utrecht', 'Eindhoven'], regions: ['Zuid-Holland', 'Noord-Brabant'] },
  { country: 'FR', cities: ['Lyon', 'Nantes', 'Bordeaux'], regions: ['Nouvelle-Aquitaine', 'Pays de la Loire'] },
  { country: 'BE', cities: ['Gent', 'Antwerpen', 'Leuven'], regions: ['Vlaanderen'] },
  { country: 'PT', cities: ['Porto', 'Braga'], regions: ['Norte'] },
  { country: 'IE', cities: ['Cork', 'Galway'], regions: ['Southern Region'] },
];

/** Countries of the Interreg Öresund-Kattegat-Skagerrak area besides Sweden. */
const OKS: readonly CountryPool[] = [
  { country: 'DK', cities: ['Aarhus', 'Aalborg', 'Frederikshavn', 'Helsingør'], regions: ['Region Nordjylland', 'Region Hovedstaden'] },
  { country: 'NO', cities: ['Fredrikstad', 'Sarpsborg', 'Halden', 'Larvik'], regions: ['Østfold', 'Vestfold'] },
];

/** Swedish non-kommun partners (organisations, not persons). */
const SWEDISH_ORGS: readonly { name: string; type: PartnerType }[] = [
  { name: 'Göteborgsregionen (GR)', type: 'REGION' },
  { name: 'Västra Götalandsregionen', type: 'REGION' },
  { name: 'Arbetsförmedlingen', type: 'AGENCY' },
  { name: 'Länsstyrelsen i Västra Götalands län', type: 'AGENCY' },
  { name: 'Göteborgs universitet', type: 'UNIVERSITY' },
  { name: 'Högskolan Väst', type: 'UNIVERSITY' },
  { name: 'Studieförbund i Västsverige', type: 'NGO' },
  { name: 'Västsvenska Handelskammaren', type: 'OTHER' },
];

const FOREIGN_TYPES: readonly PartnerType[] = [
  'MUNICIPALITY',
  'MUNICIPALITY',
  'MUNICIPALITY',
  'REGION',
  'UNIVERSITY',
  'COMPANY',
  'NGO',
  'AGENCY',
  'NETWORK',
  'OTHER',
];

function foreignPartnerName(rng: Rng, pool: CountryPool, type: PartnerType): string {
  const city = pick(rng, pool.cities);
  switch (type) {
    case 'MUNICIPALITY':
      return `City of ${city}`;
    case 'REGION':
      return `Region ${pick(rng, pool.regions)}`;
    case 'UNIVERSITY':
      return `University of ${city}`;
    case 'COMPANY':
      return `${city} ${pick(rng, ['Energy Cooperative', 'Mobility Solutions', 'Digital Services', 'Water Company'])}`;
    case 'NGO':
      return `${city} ${pick(rng, ['Youth Association', 'Volunteer Centre', 'Culture Foundation'])}`;
    case 'AGENCY':
      return `${city} ${pick(rng, ['Energy Agency', 'Development Agency', 'Employment Office'])}`;
    case 'NETWORK':
      return `${pick(rng, pool.regions)} Cities Network`;
    case 'OTHER':
      return `${city} Chamber of Commerce`;
  }
}

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

export interface GenerateOptions {
  /** Extra seed; different seeds give different, equally deterministic data. Default 0. */
  seed?: number;
  /** Catalogue to draw references from. Default: GR's catalogue.json and gr.json. */
  catalogue?: GeneratorCatalogue;
  /** "Today" for deriving status from dates, ISO date. Default 2025-01-01 (fixed, never the clock). */
  referenceDate?: string;
}

const DEFAULT_REFERENCE_DATE = '2025-01-01';

function statusFor(rng: Rng, startDate: string, endDate: string, referenceDate: string): ProjectStatus {
  const r = rng();
  if (startDate > referenceDate) return r < 0.12 ? 'CANCELLED' : 'PLANNED';
  if (endDate < referenceDate) return r < 0.08 ? 'CANCELLED' : 'COMPLETED';
  return r < 0.05 ? 'CANCELLED' : 'ONGOING';
}

/** Splits `total` into `parts` positive whole amounts (largest first is not guaranteed). */
function splitAmount(rng: Rng, total: number, parts: number): number[] {
  if (parts <= 1 || total < parts) return [total];
  const weights: number[] = [];
  let sum = 0;
  for (let i = 0; i < parts; i++) {
    const w = 0.2 + rng();
    weights.push(w);
    sum += w;
  }
  const amounts: number[] = [];
  let rest = total;
  for (let i = 0; i < parts - 1; i++) {
    const a = Math.max(1, Math.min(rest - (parts - 1 - i), Math.floor((total * (weights[i] as number)) / sum)));
    amounts.push(a);
    rest -= a;
  }
  amounts.push(rest);
  return amounts;
}

function programmesForYear(catalogue: GeneratorCatalogue, year: number): GeneratorProgramme[] {
  return catalogue.programmes.filter(
    (p) =>
      EU_FUNDS.has(p.fund) &&
      (p.fromYear === undefined || p.fromYear <= year) &&
      (p.toYear === undefined || year <= p.toYear),
  );
}

/**
 * Makes `count` plausible synthetic projects for kommun `code`.
 *
 * - Start 2014–2027, end 1–4 years later; status follows the dates relative to the reference date.
 * - Budget 200 000–50 000 000 SEK (log-uniform, whole kronor), EU co-financing 0–80 % of it,
 *   split over 1–3 EU programmes whose period covers the start year; amounts sum exactly.
 * - 1–5 partners with exactly one LEAD; sometimes another kommun from the region (country SE).
 * - 1–2 development areas; sometimes a joint initiative that started 0–3 years before the project.
 */
export function generateProjects(code: string, count: number, options: GenerateOptions = {}): SeedProject[] {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE;
  const rng = createRng(code, options.seed ?? 0, 'projects');
  const otherKommuner = catalogue.municipalities.filter((m) => m.code !== code);
  const programmesByYear = new Map<number, GeneratorProgramme[]>();
  const projects: SeedProject[] = [];

  for (let n = 1; n <= count; n++) {
    // Dates
    const startYear = int(rng, 2014, 2027);
    const startMonth = int(rng, 1, 12);
    const day = int(rng, 1, 28);
    const endMonthIndex = startMonth - 1 + int(rng, 12, 48);
    const startDate = isoDate(startYear, startMonth, day);
    const endDate = isoDate(startYear + Math.floor(endMonthIndex / 12), (endMonthIndex % 12) + 1, day);
    const status = statusFor(rng, startDate, endDate, referenceDate);

    // Money
    const budgetTotal = Math.round(Math.exp(Math.log(200_000) + rng() * (Math.log(50_000_000) - Math.log(200_000))));
    const euCofinancing = Math.round(budgetTotal * 0.8 * rng());
    let programmes = programmesByYear.get(startYear);
    if (programmes === undefined) {
      programmes = programmesForYear(catalogue, startYear);
      programmesByYear.set(startYear, programmes);
    }
    const chosen = sample(rng, programmes, int(rng, 1, 3));
    const amounts = splitAmount(rng, euCofinancing, chosen.length);
    const funding: SeedFunding[] = amounts.map((amount, i) => {
      const p = chosen[i] as GeneratorProgramme;
      return { programme: p.code, fund: p.fund, amount };
    });
    const mainFund = funding[0]?.fund;

    // Partners: country pool follows the main programme
    const partnerCount = int(rng, 1, 5);
    const partners: SeedPartner[] = [];
    const usedNames = new Set<string>();
    const leadIndex = int(rng, 0, partnerCount - 1);
    for (let i = 0; i < partnerCount; i++) {
      const role = i === leadIndex ? 'LEAD' : chance(rng, 0.25) ? 'ASSOCIATE' : 'PARTNER';
      let partner: Omit<SeedPartner, 'role'>;
      const swedish = mainFund === 'ESF' || mainFund === 'ERDF' || mainFund === 'AMIF' ? 0.8 : 0.25;
      if (chance(rng, swedish)) {
        if (otherKommuner.length > 0 && chance(rng, 0.5)) {
          const k = pick(rng, otherKommuner);
          partner = { name: k.name, country: 'SE', type: 'MUNICIPALITY', municipality: k.code };
        } else {
          const o = pick(rng, SWEDISH_ORGS);
          partner = { name: o.name, country: 'SE', type: o.type };
        }
      } else {
        const pools = mainFund === 'INTERREG' && funding[0]?.programme.startsWith('INTERREG-OKS') ? OKS : FOREIGN;
        const pool = pick(rng, pools);
        const type = pick(rng, FOREIGN_TYPES);
        partner = { name: foreignPartnerName(rng, pool, type), country: pool.country, type };
      }
      if (usedNames.has(partner.name)) {
        // Avoid listing the same organisation twice; keep the LEAD slot filled.
        if (i !== leadIndex) continue;
        partner = { ...partner, name: `${partner.name} (${n})` };
      }
      usedNames.add(partner.name);
      partners.push({ ...partner, role });
    }

    // Development areas and initiative
    // Joint initiatives are time-bound: only link projects starting within three years of the start.
    const initiatives = catalogue.initiatives.filter(
      (i) => i.started === undefined || (i.started <= startYear && startYear <= i.started + 3),
    );
    const initiative = initiatives.length > 0 && chance(rng, 0.15) ? pick(rng, initiatives) : undefined;
    const developmentAreas = sample(rng, catalogue.developmentAreas, int(rng, 1, 2));
    if (initiative !== undefined) {
      const area = initiative.developmentAreas[0];
      if (area !== undefined && !developmentAreas.includes(area)) developmentAreas[0] = area;
    }

    const theme = pick(rng, THEMES);
    const form = pick(rng, FORMS);
    const countries = [...new Set(partners.map((p) => p.country))].join(', ');
    const project: SeedProject = {
      title: `${theme} ${form} ${n}`,
      summary: `Synthetic demo project on ${theme.toLowerCase()} with partners in ${countries}.`,
      status,
      startDate,
      endDate,
      budgetTotal,
      euCofinancing,
      currency: 'SEK',
      department: pick(rng, DEPARTMENTS),
      developmentAreas,
      funding,
      partners,
      synthetic: true,
    };
    if (initiative !== undefined) project.initiative = initiative.id;
    projects.push(project);
  }
  return projects;
}

// ---------------------------------------------------------------------------------------------
// Memberships and twin towns (the caller labels these as synthetic)
// ---------------------------------------------------------------------------------------------

/** 0–3 synthetic memberships in networks a kommun can join directly. */
export function generateMemberships(code: string, seed = 0, catalogue: GeneratorCatalogue = defaultCatalogue): SeedMembership[] {
  const rng = createRng(code, seed, 'memberships');
  const networks = sample(rng, catalogue.networks, int(rng, 0, 3));
  return networks.map((network): SeedMembership => {
    const year = int(rng, 1995, 2022);
    return {
      network: network.id,
      since: `${year}-01-01`,
      decidedBy: chance(rng, 0.8) ? 'KOMMUNSTYRELSEN' : 'KOMMUNFULLMAKTIGE',
      decisionDate: isoDate(year - 1, int(rng, 1, 12), int(rng, 1, 28)),
      forums: sample(rng, network.forums, int(rng, 0, network.forums.length)),
    };
  });
}

const TWIN_TOWNS: readonly { city: string; country: string }[] = [
  { city: 'Hamar', country: 'NO' },
  { city: 'Kongsberg', country: 'NO' },
  { city: 'Harstad', country: 'NO' },
  { city: 'Holstebro', country: 'DK' },
  { city: 'Viborg', country: 'DK' },
  { city: 'Svendborg', country: 'DK' },
  { city: 'Porvoo', country: 'FI' },
  { city: 'Raahe', country: 'FI' },
  { city: 'Salo', country: 'FI' },
  { city: 'Akureyri', country: 'IS' },
  { city: 'Viljandi', country: 'EE' },
  { city: 'Rakvere', country: 'EE' },
  { city: 'Lüneburg', country: 'DE' },
  { city: 'Jelgava', country: 'LV' },
];

const TWIN_FOCUS = ['Skolutbyte', 'Kultur', 'Ungdomsutbyte', 'Näringsliv', 'Miljö och klimat', 'Idrott', 'Resultatorienterad samverkan'];

/** 0–3 synthetic twin towns (vänorter), at most one per country. */
export function generateTwinTowns(code: string, seed = 0): SeedTwinTown[] {
  const rng = createRng(code, seed, 'twinTowns');
  const wanted = int(rng, 0, 3);
  const towns: SeedTwinTown[] = [];
  const countries = new Set<string>();
  for (const town of sample(rng, TWIN_TOWNS, TWIN_TOWNS.length)) {
    if (towns.length >= wanted) break;
    if (countries.has(town.country)) continue;
    countries.add(town.country);
    const item: SeedTwinTown = { city: town.city, country: town.country, focus: sample(rng, TWIN_FOCUS, int(rng, 1, 2)) };
    if (chance(rng, 0.7)) item.since = int(rng, 1946, 2015);
    towns.push(item);
  }
  return towns;
}
