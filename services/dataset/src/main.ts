import { envSchema, listOf } from '@t2s/core/config'
import { runService } from '@t2s/core/service-main'
import { buildDatasetApp } from './app.js'
import { openDatasetDb } from './db.js'

await runService('dataset', envSchema({}), async ({ config, log, nc, jobs, dataDir, stateDbPath }) => {
  const db = openDatasetDb(stateDbPath)
  return await buildDatasetApp({ nc, jobs, db, log, dataDir, roots: [dataDir, ...listOf(config.T2S_SOURCE_ROOTS)] })
})
