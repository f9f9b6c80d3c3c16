/**
 * Row counts of the 11 real BIRD dev databases (dev_20240627), per table. Published dumps of
 * those databases print them (schema listings headed "-- Table: trans (1056320 rows)" in public
 * GitHub repositories); the figures marked ✓ were checked against such a listing on 2026-12-06,
 * the others are the same databases' counts as commonly reported and were not re-checked here.
 * The generator scales these by --scale; a table missing here gets FALLBACK_ROWS.
 */
export const BIRD_DEV_ROW_COUNTS: Record<string, Record<string, number>> = {
  california_schools: { frpm: 9986 /* ✓ */, satscores: 2269 /* ✓ */, schools: 17686 /* ✓ */ },
  card_games: { cards: 56822, foreign_data: 73747, legalities: 427907 /* ✓ */, rulings: 20941, set_translations: 1210, sets: 551 },
  codebase_community: {
    badges: 79851, comments: 174285, postHistory: 303155 /* ✓ */, postLinks: 11102, posts: 91966, tags: 1032, users: 40325, votes: 38930
  },
  debit_card_specializing: { customers: 32461, gasstations: 5716, products: 591, transactions_1k: 1000, yearmonth: 383282 /* ✓ */ },
  european_football_2: {
    Country: 11, League: 11, Match: 25979, Player: 11060, Player_Attributes: 183978 /* ✓ */, Team: 299, Team_Attributes: 1458
  },
  financial: { account: 4500, card: 892, client: 5369, disp: 5369, district: 77, loan: 682, order: 6471, trans: 1056320 /* ✓ */ },
  formula_1: {
    circuits: 77,
    constructorResults: 11082,
    constructorStandings: 11836,
    constructors: 208,
    driverStandings: 31578,
    drivers: 840,
    lapTimes: 420369 /* ✓ */,
    pitStops: 6070,
    qualifying: 7397,
    races: 976,
    results: 23657,
    seasons: 69,
    status: 134
  },
  student_club: { attendance: 326, budget: 52, event: 42, expense: 32, income: 36, major: 113, member: 33, zip_code: 41877 /* ✓ */ },
  superhero: {
    alignment: 4, attribute: 6, colour: 35, gender: 3, hero_attribute: 3738, hero_power: 5825 /* ✓ */, publisher: 25, race: 61, superhero: 750, superpower: 167
  },
  thrombosis_prediction: { Examination: 806, Laboratory: 13908 /* ✓ */, Patient: 1238 },
  toxicology: { atom: 12333, bond: 12379, connected: 24758 /* ✓ */, molecule: 343 }
}

export const FALLBACK_ROWS = 1000
