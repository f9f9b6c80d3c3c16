import { envSchema, listOf, runService } from '@t2s/core'
import { SANDBOX_ENV, startSandbox } from '@t2s/core/sql'
import { buildDatasetApp } from './app.js'
import { openDatasetDb } from './db.js'

await runService('dataset', envSchema(SANDBOX_ENV), async ({ config, log, nc, jobs, dataDir, stateDbPath }) => {
  const db = openDatasetDb(stateDbPath)
  const sandbox = await startSandbox(config, log, { interactive: true })
  return await buildDatasetApp({ nc, jobs, db, log, dataDir, sandbox, roots: [dataDir, ...listOf(config.T2S_SOURCE_ROOTS)] })
})
