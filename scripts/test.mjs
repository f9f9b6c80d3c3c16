// Runs every *.test.ts under gateway, services, cli and test with node's test runner (through tsx).
// Node 20's runner takes no globs, so the files are listed here. test/chaos (the cluster
// fault suite, minutes long) runs only when named: `npm run test:chaos`, which CI calls.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['services', 'gateway', 'cli', 'test']

function find (dir, out) {
  let entries
  try { entries = readdirSync(dir) } catch { return out }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    if (dir === 'test' && name === 'chaos' && process.argv.length <= 2) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) find(path, out)
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

const files = roots.flatMap((root) => statSync(root, { throwIfNoEntry: false })?.isFile() ? [root] : find(root, [])).sort()
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '))
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)
