import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const CONSOLE = join(ROOT, 'console')

function newestInput (dir: string): number {
  let newest = 0
  for (const name of readdirSync(dir)) {
    if (name === 'dist' || name === 'node_modules') continue
    const path = join(dir, name)
    const st = statSync(path)
    newest = Math.max(newest, st.isDirectory() ? newestInput(path) : st.mtimeMs)
  }
  return newest
}

const fresh = () => (statSync(join(CONSOLE, 'dist', 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0) > newestInput(CONSOLE)

/**
 * Makes console/dist current (npm start and the browser tests call it; CI and the image run
 * `npm run console:build`): builds when any input is newer than the build, and says whether it
 * built. Test files run in parallel, and Vite refuses a second build of the same project at
 * once: the later caller waits for the first and reuses its build.
 */
export function buildConsole (): boolean {
  for (let attempt = 0; attempt < 60; attempt++) {
    if (fresh()) return false
    const r = spawnSync('npm', ['run', '--silent', 'console:build'], { cwd: ROOT, encoding: 'utf8' })
    if (r.status === 0) return true
    if (!/Found another Vite build process/.test(r.stderr + r.stdout)) throw new Error(`npm run console:build failed:\n${r.stdout}\n${r.stderr}`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000)
  }
  throw new Error('console/dist: another build did not finish in 2 minutes')
}
