// What the suite's files take on disk, measured by walking DATA_DIR (links are not followed:
// a source that points at the user's own folders is not counted as ours).
import { statfsSync } from 'node:fs'
import { lstat, readdir, statfs } from 'node:fs/promises'
import { join } from 'node:path'

/** Bytes of the files under `path` (0 when it is not there). */
export async function treeBytes (path: string): Promise<number> {
  let st
  try {
    st = await lstat(path)
  } catch {
    return 0
  }
  if (!st.isDirectory()) return st.isFile() ? st.size : 0
  let total = 0
  for (const name of await readdir(path).catch(() => [] as string[])) total += await treeBytes(join(path, name))
  return total
}

/** Each entry of `dir` with its bytes, largest first. */
export async function entriesBytes (dir: string, keep: (name: string) => boolean = () => true): Promise<Array<{ id: string, bytes: number }>> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter(keep)
  const items = await Promise.all(names.map(async (id) => ({ id, bytes: await treeBytes(join(dir, id)) })))
  return items.sort((a, b) => b.bytes - a.bytes || a.id.localeCompare(b.id))
}

export const DEFAULT_MIN_FREE_MB = 100

export interface DiskSpace { free_bytes: number | null, total_bytes: number | null }

export async function diskSpace (dir: string): Promise<DiskSpace> {
  try {
    const s = await statfs(dir)
    return { free_bytes: s.bavail * s.bsize, total_bytes: s.blocks * s.bsize }
  } catch {
    return { free_bytes: null, total_bytes: null }
  }
}

/**
 * T2S_MIN_FREE_MB (default 100) in bytes: the free space under which readiness warns and jobs do
 * not start. Low by default so that a small volume still works; raise it where training runs write
 * checkpoints of several GB.
 */
export function minFreeBytes (env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.T2S_MIN_FREE_MB ?? DEFAULT_MIN_FREE_MB)
  return (Number.isFinite(mb) && mb >= 0 ? mb : DEFAULT_MIN_FREE_MB) * 1024 * 1024
}

/** Free bytes of the file system that holds `dir` (what an unprivileged writer may use), or null when unreadable. */
export function freeBytesSync (dir: string): number | null {
  try {
    const s = statfsSync(dir)
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/**
 * Why a job that writes under `dir` must not start (its file system has less free space than
 * T2S_MIN_FREE_MB), or null when there is room or the space cannot be read.
 */
export function lowDiskReason (dir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const free = freeBytesSync(dir)
  const min = minFreeBytes(env)
  if (free === null || free >= min) return null
  return `not started: DATA_DIR has ${Math.floor(free / 2 ** 20)} MB free, below T2S_MIN_FREE_MB (${min / 2 ** 20}); GET /v1/usage shows what takes the disk: delete what you no longer need, then submit again`
}
