/**
 * Demo facts taken from the five public seed pages (see the shared seeds), keyed by SCB kommunkod.
 *
 * Rules for this file:
 * - Only what the seed pages state (plus the year-only date convention `YYYY-01-01`); every record
 *   has `synthetic: false`. Budgets, co-financing figures and funding amounts are left out because
 *   the pages give none.
 * - Departments are functional units (förvaltningar, kontor), never persons. No personal data.
 * - GR members without facts in the seeds get empty lists; benchmark volume comes from
 *   `./synthetic` and is labelled synthetic wherever it is shown.
 */
import type { KommunSeed, SeedMembership, SeedProject, SeedStrategy, SeedTwinTown } from './types';

export type DemoSeed = Omit<KommunSeed, 'code'>;


const empty = (): DemoSeed => ({ projects: [], memberships: [], twinTowns: [] });

/** The six thematic forums of Eurocities (as named on Göteborgs Stad's page). */
const EUROCITIES_FORUMS = [
  'kultur',
  'ekonomisk utveckling',
  'miljörelaterade frågor',
  'digitalisering',
  'mobilitet',
  'sociala frågor',
];

/** Göteborgsregionen (kommunalförbund), lead of the ESF projects granted in 2017. */
const GR_LEAD = { name: 'Göteborgsregionen (GR)', country: 'SE', type: 'REGION', role: 'LEAD' } as const;

// ---------------------------------------------------------------------------------------------
// Göteborg 1480
// ---------------------------------------------------------------------------------------------

const goteborgMemberships: SeedMembership[] = [
  // "Göteborgs Stad blev medlem 1995." Deciding body not stated on the page.
  { network: 'eurocities', since: '1995-01-01', forums: [...EUROCITIES_FORUMS] },
];

/**
 * Work under the GR–Göteborg agreement on EU collaboration (beslutad november 2014, undertecknad
 * januari 2015). Status COMPLETED is inferred: the ESF projects belong to the 2014–2020 period
 * and the other activities to 2017. Start dates use the year-only convention.
 */
const goteborgProjects: SeedProject[] = [
  {
    title: 'GR Samsyn',
    summary:
      'ESF-funded development project granted in 2017, an outcome of the strengthened coordination between GR and Göteborgs Stad on structural fund projects (European Social Fund 2014-2020).',
    status: 'COMPLETED',
    startDate: '2017-01-01',
    currency: 'SEK',
    developmentAreas: ['EU-FUNDS'],
    initiative: 'gr-samsyn',
    // The programme (ESF-2014-2020) is known but the amount is not; see the initiative in
    // catalogue.json for the programme link. SeedFunding.amount is required, so no line here.
    funding: [],
    partners: [{ ...GR_LEAD }],
    synthetic: false,
  },
  {
    title: 'HälsoGReppet',
    summary:
      'ESF-funded development project granted in 2017, an outcome of the strengthened coordination between GR and Göteborgs Stad on structural fund projects (European Social Fund 2014-2020).',
    status: 'COMPLETED',
    startDate: '2017-01-01',
    currency: 'SEK',
    developmentAreas: ['EU-FUNDS'],
    initiative: 'halsogreppet',
    funding: [],
    partners: [{ ...GR_LEAD }],
    synthetic: false,
  },
  {
    title: 'EU-handslag',
    summary:
      'Joint work by GR and Göteborgs Stad with Västra Götalandsregionen during 2017 to develop EU collaboration in the region.',
    status: 'COMPLETED',
    startDate: '2017-01-01',
    currency: 'SEK',
    department: 'Stadsledningskontoret',
    developmentAreas: ['EU-NETWORKS', 'EU-COMPETENCE'],
    initiative: 'eu-handslag',
    funding: [],
    // The page does not say who led; both are recorded as partners.
    partners: [
      { name: 'Västra Götalandsregionen', country: 'SE', type: 'REGION', role: 'PARTNER' },
      { name: 'Göteborgsregionen (GR)', country: 'SE', type: 'REGION', role: 'PARTNER' },
    ],
    synthetic: false,
  },
  {
    title: 'EU-hösten 2017',
    summary:
      'Joint communication work by GR and Göteborgs Stad around the EU summit in Göteborg in November 2017.',
    status: 'COMPLETED',
    startDate: '2017-01-01',
    endDate: '2017-12-31',
    currency: 'SEK',
    department: 'Stadsledningskontoret',
    developmentAreas: ['EU-COMPETENCE'],
    initiative: 'eu-hosten',
    funding: [],
    partners: [{ name: 'Göteborgsregionen (GR)', country: 'SE', type: 'REGION', role: 'PARTNER' }],
    synthetic: false,
  },
];

// ---------------------------------------------------------------------------------------------
// Motala 0583
// ---------------------------------------------------------------------------------------------

const motalaMemberships: SeedMembership[] = [
  // "Kommunstyrelsen ... beslutar om medlemskap." Start year not stated.
  { network: 'sern', decidedBy: 'KOMMUNSTYRELSEN', forums: [] },
];

/** Vänorter where the relationship has developed into result-oriented cooperation. */
const motalaTwinTowns: SeedTwinTown[] = [
  { city: 'Hyvinge', country: 'FI', focus: ['Resultatorienterad samverkan'] },
  { city: 'Daugavpils', country: 'LV', focus: ['Resultatorienterad samverkan'] },
];

const motalaStrategy: SeedStrategy = {
  title: 'Policy för internationell samverkan',
  // "Kommunfullmäktige beslutar om policy för internationell samverkan"
  adoptedBy: 'KOMMUNFULLMAKTIGE',
  priorities: [
    'Samarbete inom EU',
    'Vision och mål för Motalas utveckling enligt det lokala utvecklingsprogrammet (LUP)',
  ],
  summary:
    'Motala kommun ska aktivt verka för ökad internationell samverkan, med prioritet på samarbete inom EU. ' +
    'Syftet är att uppnå vision och mål för Motalas utveckling, i enlighet med det lokala utvecklingsprogrammet, LUP.',
};

// ---------------------------------------------------------------------------------------------
// Borlänge 2081
// ---------------------------------------------------------------------------------------------

const borlangeMemberships: SeedMembership[] = [
  // Indirect: Region Dalarna, "där Borlänge kommun ingår", is the member. Start year not stated.
  { network: 'central-sweden', forums: [] },
];

const borlangeStrategy: SeedStrategy = {
  title: 'Internationell strategi',
  adoptedBy: 'KOMMUNFULLMAKTIGE',
  priorities: ['Utveckling', 'Dynamiskt föreningsliv', 'Solidaritet', 'Ekonomisk tillväxt'],
  summary:
    'Fyra utgångspunkter för kommunens internationella arbete. Utgångspunkt är kommunens egna behov, ' +
    'prioriteringar och utmaningar; Internationella kontoret ansvarar för utveckling och samordning.',
};

// ---------------------------------------------------------------------------------------------
// Gävle 2180
// ---------------------------------------------------------------------------------------------

const gavleStrategy: SeedStrategy = {
  title: 'Internationell strategi',
  // "Kommunfullmäktige antar internationell strategi för Gävle kommun"
  adoptedBy: 'KOMMUNFULLMAKTIGE',
  priorities: ['Verksamhetsutveckling', 'Näringslivsutveckling', 'Omvärldsbevakning'],
  summary:
    'Den internationella strategin skapar en gemensam plattform och referensram för Gävle kommuns internationella arbete. ' +
    'Samarbete inom EU och samarbete som finansieras av EU ges en prioriterad ställning, och arbetet ska i görligaste mån ' +
    'samordnas med andra kommuner och aktörer i regionen.',
};

/** Demo seeds for GR's 13 members and the three seed example kommuner, keyed by kommunkod. */
export const demoSeeds: Record<string, DemoSeed> = {
  // Göteborgsregionen (GR)
  '1440': empty(), // Ale
  '1489': empty(), // Alingsås
  '1480': { projects: goteborgProjects, memberships: goteborgMemberships, twinTowns: [] }, // Göteborg
  '1401': empty(), // Härryda
  '1384': empty(), // Kungsbacka
  '1482': empty(), // Kungälv
  '1441': empty(), // Lerum
  '1462': empty(), // Lilla Edet
  '1481': empty(), // Mölndal
  '1402': empty(), // Partille
  '1415': empty(), // Stenungsund
  '1419': empty(), // Tjörn
  '1407': empty(), // Öckerö
  // Seed examples
  '0583': { projects: [], memberships: motalaMemberships, twinTowns: motalaTwinTowns, strategy: motalaStrategy }, // Motala
  '2081': { projects: [], memberships: borlangeMemberships, twinTowns: [], strategy: borlangeStrategy }, // Borlänge
  '2180': { projects: [], memberships: [], twinTowns: [], strategy: gavleStrategy }, // Gävle
};
