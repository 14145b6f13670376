/**
 * Code-point order for names. `localeCompare` would load ICU collation data on
 * its first call, a few milliseconds of every `fleet list`; names are ASCII.
 */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
