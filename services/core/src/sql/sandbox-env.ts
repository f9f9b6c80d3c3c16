import { Type } from 'typebox'
import { SqlSandbox, type SandboxLogger } from './sandbox.js'

/** The variables of a service that runs SQL in a sandbox pool; spread them into its envSchema. */
export const SANDBOX_ENV = {
  T2S_SANDBOX_SIZE: Type.Integer({ minimum: 1, maximum: 64, default: 2, description: 'SQL sandbox child processes' }),
  T2S_SANDBOX_MEMORY_MB: Type.Integer({ minimum: 64, default: 512, description: 'Heap cap of each sandbox process' })
}

/** Starts the pool those variables describe and waits until every child is up. */
export async function startSandbox (config: { T2S_SANDBOX_SIZE: number, T2S_SANDBOX_MEMORY_MB: number }, log: SandboxLogger): Promise<SqlSandbox> {
  const sandbox = new SqlSandbox({ size: config.T2S_SANDBOX_SIZE, memoryMb: config.T2S_SANDBOX_MEMORY_MB, log })
  await sandbox.ready()
  return sandbox
}
