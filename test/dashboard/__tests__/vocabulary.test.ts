import { DecidingBody, Fund, ProjectStatus } from '@samverkan/contract';

/** What the suite reads of dashboard/src/i18n.ts. */
interface I18n {
  FUNDS: readonly string[];
  STATUSES: readonly string[];
  term(lang: 'sv' | 'en', code: string): string;
  words: Record<'sv' | 'en', { title: string }>;
}
let i18n: I18n;
beforeAll(async () => {
  // The dashboard is an ES module package, which the type check of this CommonJS suite cannot
  // import statically; the test runner compiles it as it does any other file.
  const file = '../../../dashboard/src/i18n';
  i18n = (await import(file)) as I18n;
});

/**
 * The dashboard's funds and statuses come from the contract package, not from a list of its own:
 * a value the contract adds is offered by the filters and shown by its code until the page names it.
 */
describe("the dashboard's vocabulary", () => {
  test('its funds and statuses are the contract enums, in their order', () => {
    expect(i18n.FUNDS).toEqual(Object.values(Fund));
    expect(i18n.STATUSES).toEqual(Object.values(ProjectStatus));
  });

  test.each(['sv', 'en'] as const)('every code the contract has today has a name in %s, none of them the bare code', (lang) => {
    for (const code of [...Object.values(Fund), ...Object.values(ProjectStatus), ...Object.values(DecidingBody)]) {
      expect([code, i18n.term(lang, code)]).toEqual([code, expect.not.stringMatching(new RegExp(`^${code}$`))]);
    }
  });

  test.each(['sv', 'en'] as const)('a code the contract adds later is shown as its code in %s', (lang) => {
    const added = `${Object.values(Fund).join('_')}_NEW`;
    expect(i18n.term(lang, added)).toBe(added);
    // Not taken from the page's other words, nor from what every object has.
    expect(i18n.words[lang].title).not.toBe('title');
    for (const other of ['title', 'constructor', 'toString', '__proto__']) expect(i18n.term(lang, other)).toBe(other);
  });
});
