import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Config { url: string, apiKey: string | null }

export const DEFAULT_URL = 'http://127.0.0.1:8080'

/**
 * --url / T2S_URL, else the local default; --api-key / T2S_API_KEY, else the key file that
 * `npm start` writes to DATA_DIR/api-key (DATA_DIR, ./data, or the repository's data/).
 */
export function resolveConfig (opts: { url?: string, apiKey?: string }, env: NodeJS.ProcessEnv = process.env): Config {
  const url = (opts.url ?? env.T2S_URL ?? DEFAULT_URL).replace(/\/+$/, '')
  // An empty variable counts as unset.
  const apiKey = opts.apiKey ?? (env.T2S_API_KEY || undefined) ?? keyFile(env)
  return { url, apiKey: apiKey === undefined || apiKey === '' ? null : apiKey }
}

// The repository's data/ when running from its source; an installed bundle has no repository.
const REPO_DATA = import.meta.url.endsWith('/cli/src/config.ts') ? fileURLToPath(new URL('../../data', import.meta.url)) : undefined

function keyFile (env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [env.DATA_DIR, './data', REPO_DATA].filter((d): d is string => d !== undefined)
  for (const dir of dirs) {
    const file = join(resolve(dir), 'api-key')
    if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  }
  return undefined
}
