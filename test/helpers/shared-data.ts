import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * The benchmark data beside the repository (../shared/data), or T2S_SHARED_DATA.
 * Tests that need it skip with a message where it is absent; nothing is copied.
 */
export function sharedData (): string | null {
  const dir = resolve(process.env.T2S_SHARED_DATA ?? new URL('../../../shared/data', import.meta.url).pathname)
  return existsSync(resolve(dir, 'bird-sample', 'dev.json')) ? dir : null
}

export const SKIP_NO_DATA = 'needs ../shared/data (or T2S_SHARED_DATA) with bird-sample'
