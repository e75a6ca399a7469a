import { compareGroupKeys } from '../routing/merge';

/** Stats groups merge in the order every kommun sorts them: by value, numbers as numbers, text by code point, a missing value last. */
describe('compareGroupKeys', () => {
  const sorted = (keys: string[]) => [...keys].sort(compareGroupKeys);

  it('puts a group without a value last', () => {
    expect(sorted(['INITIATIVE=', 'INITIATIVE=gr-samsyn', 'INITIATIVE=eu-handslag'])).toEqual(['INITIATIVE=eu-handslag', 'INITIATIVE=gr-samsyn', 'INITIATIVE=']);
  });

  it('compares years as numbers and text by code point, dimension by dimension', () => {
    expect(sorted(['START_YEAR=2025|STATUS=ONGOING', 'START_YEAR=999|STATUS=PLANNED', 'START_YEAR=2025|STATUS=COMPLETED'])).toEqual([
      'START_YEAR=999|STATUS=PLANNED',
      'START_YEAR=2025|STATUS=COMPLETED',
      'START_YEAR=2025|STATUS=ONGOING',
    ]);
    // U+FB00 is above every surrogate pair in UTF-16 but below U+1F600 by code point.
    expect(sorted(['PROGRAMME=Z😀', 'PROGRAMME=Zﬀ'])).toEqual(['PROGRAMME=Zﬀ', 'PROGRAMME=Z😀']);
  });
});
