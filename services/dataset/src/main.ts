import { Type } from 'typebox'
import { envSchema, listOf } from '@t2s/core/config'
import { SqlSandbox } from '@t2s/core/sql/sandbox'
import { runService } from '@t2s/core/service-main'
import { buildDatasetApp } from './app.js'
import { openDatasetDb } from './db.js'

await runService('dataset', envSchema({
  T2S_SANDBOX_SIZE: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'SQL sandbox child processes' }),
  T2S_SANDBOX_MEMORY_MB: Type.Integer({ minimum: 64, default: 512, description: 'Heap cap of each sandbox process' })
}), async ({ config, log, nc, jobs, dataDir, stateDbPath }) => {
  const db = openDatasetDb(stateDbPath)
  const sandbox = new SqlSandbox({ size: config.T2S_SANDBOX_SIZE, memoryMb: config.T2S_SANDBOX_MEMORY_MB, log })
  await sandbox.ready()
  return await buildDatasetApp({ nc, jobs, db, log, dataDir, sandbox, roots: [dataDir, ...listOf(config.T2S_SOURCE_ROOTS)] })
})
