import { spawnSync } from 'node:child_process'

export const SUITE_VERSION = '0.1.0'

let cached: string | undefined

/**
 * What produced an artifact, for manifests: T2S_CODE_VERSION when set (images bake it in),
 * else the suite version plus the git commit of the checkout when there is one.
 */
export function codeVersion (): string {
  if (cached !== undefined) return cached
  if (process.env.T2S_CODE_VERSION) return (cached = process.env.T2S_CODE_VERSION)
  const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' })
  const sha = git.status === 0 ? git.stdout.trim() : ''
  return (cached = sha ? `${SUITE_VERSION}+${sha}` : SUITE_VERSION)
}
