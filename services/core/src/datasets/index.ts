/**
 * The public surface of @t2s/core/datasets: dataset records, artifacts, the seeded split, token statistics.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { artifactDir, writeJsonlAtomic } from './artifacts.js'
export { DatasetRecords, datasetEndpoints, datasetRecordsTable } from './records.js'
export { checkSplitLimit, seededRandom, seededSplit } from './split.js'
export { tokenStats } from './stats.js'
