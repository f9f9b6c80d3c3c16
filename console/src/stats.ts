/** A percentage as the official scorer prints it (two decimals); a dash where there is none. */
export const pct = (x: number | null | undefined, digits = 2): string => x === null || x === undefined ? '–' : x.toFixed(digits)
