import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Builds console/dist from console/src, as `npm start` and CI do, so the test serves the current code. */
export function buildConsole (): void {
  const r = spawnSync('npm', ['run', '--silent', 'console:build'], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`npm run console:build failed:\n${r.stdout}\n${r.stderr}`)
}
