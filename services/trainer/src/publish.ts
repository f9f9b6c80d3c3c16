import { existsSync, linkSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileSha256 } from '@t2s/core/util'

export type FileDigests = Record<string, { bytes: number, sha256: string }>

/**
 * Publishes the trainer's result folder at `dest` (DATA_DIR/artifacts/adapters/<name>)
 * all at once: a temporary sibling is filled with hard links to the trainer's files (a
 * copy across filesystems), plus `extra` files, and then renamed into place. A reader (the
 * student vLLM) never sees a half-written folder. The trainer's own folder stays: its
 * done.json points there, so a redelivered job is recognised as finished.
 */
export function publishFolder (src: string, dest: string, extra: Record<string, string> = {}): void {
  const parent = dirname(dest)
  mkdirSync(parent, { recursive: true })
  const tmp = join(parent, `.tmp-${basename(dest)}-${process.pid}`)
  rmSync(tmp, { recursive: true, force: true })
  linkTree(src, tmp)
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(tmp, name), text)
  if (existsSync(dest)) {
    const trash = join(parent, `.trash-${basename(dest)}-${process.pid}`)
    renameSync(dest, trash)
    renameSync(tmp, dest)
    rmSync(trash, { recursive: true, force: true })
  } else {
    renameSync(tmp, dest)
  }
}

function linkTree (src: string, dest: string): void {
  mkdirSync(dest, { recursive: true })
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    const from = join(src, entry.name)
    const to = join(dest, entry.name)
    if (entry.isDirectory()) linkTree(from, to)
    else if (entry.isFile()) {
      try {
        linkSync(from, to)
      } catch {
        copyFileSync(from, to)
      }
    }
  }
}

/**
 * Size and sha256 of every file of a result folder: taken from the trainer's manifest.json
 * when it lists them (it hashed them while writing), computed otherwise.
 */
export async function folderDigests (dir: string): Promise<FileDigests> {
  const manifestFile = join(dir, 'manifest.json')
  if (existsSync(manifestFile)) {
    try {
      const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files?: FileDigests }
      if (m.files && typeof m.files === 'object') return m.files
    } catch {
      // Unreadable manifest: hash the files ourselves.
    }
  }
  const out: FileDigests = {}
  for (const file of walk(dir)) {
    const rel = relative(dir, file)
    if (rel === 'manifest.json') continue
    out[rel] = { bytes: statSync(file).size, sha256: await fileSha256(file) }
  }
  return out
}

function walk (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : []
  }).sort()
}
