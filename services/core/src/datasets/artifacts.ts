import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface WrittenFile { lines: number, bytes: number, sha256: string }

/** `<DATA_DIR>/artifacts/<kind>/<id>`, where every service keeps what a job produced. */
export const artifactDir = (dataDir: string, kind: string, id: string) => join(dataDir, 'artifacts', kind, id)

/**
 * Writes JSON lines to a temporary file beside `path`, fsyncs it and renames it into place:
 * a reader sees the whole file or none, never half of one.
 */
export function writeJsonlAtomic (path: string, lines: Iterable<string>): WrittenFile {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'w')
  const hash = createHash('sha256')
  let count = 0
  let bytes = 0
  try {
    let chunk: string[] = []
    const flush = () => {
      if (chunk.length === 0) return
      const buf = Buffer.from(chunk.join(''), 'utf8')
      writeSync(fd, buf)
      hash.update(buf)
      bytes += buf.length
      chunk = []
    }
    for (const line of lines) {
      chunk.push(line + '\n')
      count++
      if (chunk.length >= 512) flush()
    }
    flush()
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    rmSync(tmp, { force: true })
    throw err
  }
  closeSync(fd)
  renameSync(tmp, path)
  return { lines: count, bytes, sha256: hash.digest('hex') }
}
