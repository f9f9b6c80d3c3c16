/**
 * The public surface of @t2s/core/stats: intervals, McNemar, comparisons of evaluations.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { compareRuns } from './compare.js'
export type { ScoredQuestion } from './compare.js'
