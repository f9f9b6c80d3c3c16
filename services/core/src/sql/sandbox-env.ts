import { Type } from 'typebox'
import { SqlSandbox, type SandboxLogger } from './sandbox.js'

/** The variables of a service that runs SQL in a sandbox pool; spread them into its envSchema. */
export const SANDBOX_ENV = {
  T2S_SANDBOX_SIZE: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'SQL sandbox child processes' }),
  T2S_SANDBOX_MEMORY_MB: Type.Integer({ minimum: 64, default: 512, description: 'Heap cap of each sandbox process' }),
  T2S_SANDBOX_INTERACTIVE_RESERVE: Type.Integer({ minimum: 0, maximum: 16, default: 1, description: 'Sandbox processes beyond T2S_SANDBOX_SIZE kept for interactive queries (POST /v1/sql/execute), so batch jobs never take them all' })
}

/** Starts the pool those variables describe and waits until every child is up. */
export async function startSandbox (config: { T2S_SANDBOX_SIZE: number, T2S_SANDBOX_MEMORY_MB: number, T2S_SANDBOX_INTERACTIVE_RESERVE: number }, log: SandboxLogger, opts: { interactive: boolean }): Promise<SqlSandbox> {
  const sandbox = new SqlSandbox({
    size: config.T2S_SANDBOX_SIZE,
    memoryMb: config.T2S_SANDBOX_MEMORY_MB,
    log,
    interactiveReserve: opts.interactive ? config.T2S_SANDBOX_INTERACTIVE_RESERVE : 0
  })
  await sandbox.ready()
  return sandbox
}
