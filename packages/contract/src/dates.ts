const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Days in a month (1–12) of the proleptic Gregorian calendar. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A day as `YYYY-MM-DD` (year 0000 to 9999, the proleptic Gregorian calendar): what the contract's
 * `LocalDate` accepts. Checked by arithmetic; building a Date and formatting it back, as
 * graphql-scalars does, costs a kommun several microseconds for every date it answers.
 */
export function isLocalDate(value: string): boolean {
  if (value.length !== 10 || !LOCAL_DATE.test(value)) return false;
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(value.slice(0, 4)), month);
}
