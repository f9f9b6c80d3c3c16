import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the benchmark data is expected, whether or not it is there: T2S_SHARED_DATA, else
 * ../shared/data beside the repository. The one place that resolves it.
 */
export function sharedDataDir (): string {
  return resolve(process.env.T2S_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url)))
}

/**
 * The benchmark data beside the repository (../shared/data), or T2S_SHARED_DATA.
 * Tests that need it skip with a message where it is absent; nothing is copied.
 */
export function sharedData (): string | null {
  const dir = sharedDataDir()
  return existsSync(resolve(dir, 'bird-sample', 'dev.json')) ? dir : null
}

export const SKIP_NO_DATA = 'needs ../shared/data (or T2S_SHARED_DATA) with bird-sample'
