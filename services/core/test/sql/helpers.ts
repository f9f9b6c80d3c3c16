import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sharedDataDir } from '../../../../test/helpers/shared-data.js'

export const sharedData = sharedDataDir()
export const birdSample = join(sharedData, 'bird-sample')
export const devDatabases = join(birdSample, 'dev_databases')
const hasBirdSample = existsSync(join(birdSample, 'dev.json'))

/** `skip` option for tests that need the shared bird-sample data. */
export const needsBirdSample: string | false = hasBirdSample
  ? false
  : `bird-sample not found at ${birdSample} (set T2S_SHARED_DATA to the shared data folder)`

export function devDb (dbId: string): string {
  return join(devDatabases, dbId, `${dbId}.sqlite`)
}

export function devDbIds (): string[] {
  return readdirSync(devDatabases).filter((id) => existsSync(devDb(id))).sort()
}

/** Prefix of every temporary folder these tests make, so listings can ignore them. */
export const TMP_PREFIX = 't2s-sql-test-'

export function tempDir (): { dir: string, cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), TMP_PREFIX))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Creates a SQLite file by running `sql` (writable only while it is being built). */
export function makeDb (file: string, sql: string): string {
  const db = new Database(file)
  db.exec(sql)
  db.close()
  return file
}

export function sha256 (file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** Ids of the sandbox child processes whose parent is `ppid` (Linux /proc). */
export function sandboxPids (ppid: number): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // Field 4 of /proc/<pid>/stat, after the parenthesised command name.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) !== ppid || fields[0] === 'Z') continue
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('sandbox-child')) pids.push(Number(name))
    } catch {}
  }
  return pids
}

export function isRunning (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

export async function waitFor (check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check()
}

/** CPU time (user + system, in clock ticks) a process has used; -1 once it is gone. */
export function cpuTicks (pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return -1
  }
}
