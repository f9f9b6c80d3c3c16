import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'

const memo = new Map<string, { identity: string, digest: Promise<string> }>()

/**
 * sha256 of a database file, streamed (BIRD files reach gigabytes) and remembered while
 * the file keeps its inode, size and mtime: a rewritten file gets a new digest, so gold
 * results cached under the old one are never reused for it.
 */
export async function fileSha256 (path: string): Promise<string> {
  const st = await stat(path)
  const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`
  const known = memo.get(path)
  if (known?.identity === identity) return await known.digest
  const digest = new Promise<string>((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
  memo.set(path, { identity, digest })
  digest.catch(() => memo.delete(path))
  return await digest
}

export const textSha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
