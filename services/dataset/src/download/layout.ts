import { existsSync, readdirSync, statSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { basename, join, posix } from 'node:path'

/** The unpacked tree does not look like a BIRD split, or a named path is not in it. */
export class LayoutError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'LayoutError'
  }
}

export interface Layout {
  /** Questions JSON, relative to the unpacked folder ('dev_20240627/dev.json'). */
  questions: string
  /** Folder of <db_id>/<db_id>.sqlite, relative to the unpacked folder. */
  databases: string
}

const MAX_DEPTH = 4
const ignored = (name: string) => name === '__MACOSX'

/** Zip files inside the unpacked tree: BIRD ships its databases as one (dev_databases.zip). */
export async function innerArchives (root: string): Promise<string[]> {
  const found: string[] = []
  await walk(root, '', 0, (rel, isDir) => { if (!isDir && rel.toLowerCase().endsWith('.zip')) found.push(rel) })
  return found.sort()
}

/**
 * Where the questions and databases are: the paths given in the request, or the one
 * folder holding <db_id>/<db_id>.sqlite (BIRD: <split>_databases) and the <split>.json
 * beside it.
 */
export async function findLayout (root: string, given: { questions?: string, databases?: string }): Promise<Layout> {
  let databases = given.databases !== undefined ? relative(given.databases, 'databases') : undefined
  if (databases !== undefined) {
    if (!isDir(join(root, databases))) throw new LayoutError(`databases "${given.databases}" is not a folder in the archive`)
  } else {
    const candidates: string[] = []
    await walk(root, '', 0, (rel, dir) => { if (dir && holdsDatabases(join(root, rel))) candidates.push(rel) })
    const bird = candidates.filter((c) => basename(c).endsWith('_databases'))
    const pick = bird.length > 0 ? bird : candidates
    if (pick.length === 0) throw new LayoutError('the archive holds no folder of <db_id>/<db_id>.sqlite databases')
    if (pick.length > 1) throw new LayoutError(`the archive holds several database folders (${pick.slice(0, 5).join(', ')}); name one with databases`)
    databases = pick[0]
  }
  let questions: string
  if (given.questions !== undefined) {
    questions = relative(given.questions, 'questions')
    if (!isFile(join(root, questions))) throw new LayoutError(`questions "${given.questions}" is not a file in the archive`)
  } else {
    const parent = posix.dirname(databases)
    const split = basename(databases).replace(/_databases$/, '')
    const beside = posix.join(parent, `${split}.json`)
    if (isFile(join(root, beside))) {
      questions = beside
    } else {
      const jsons = (await readdir(join(root, parent))).filter((n) => n.endsWith('.json') && !/_tables\.json$|tied_append/.test(n))
      if (jsons.length !== 1) throw new LayoutError(`no questions JSON found beside ${databases}; name it with questions`)
      questions = posix.join(parent, jsons[0])
    }
  }
  return { questions, databases }
}

function holdsDatabases (dir: string): boolean {
  let names: string[]
  try { names = readdirSync(dir) } catch { return false }
  return names.some((n) => existsSync(join(dir, n, `${n}.sqlite`)))
}

/** A request's path inside the archive: relative, '/'-separated, never leaving it. */
function relative (path: string, field: string): string {
  const parts = path.split('/').filter((s) => s !== '' && s !== '.')
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || parts.includes('..') || parts.length === 0) {
    throw new LayoutError(`${field} must be a relative path inside the archive`)
  }
  return parts.join('/')
}

async function walk (root: string, rel: string, depth: number, visit: (rel: string, isDir: boolean) => void): Promise<void> {
  if (depth > MAX_DEPTH) return
  const entries = await readdir(join(root, rel), { withFileTypes: true })
  for (const e of entries) {
    if (ignored(e.name)) continue
    const child = rel ? `${rel}/${e.name}` : e.name
    visit(child, e.isDirectory())
    if (e.isDirectory()) await walk(root, child, depth + 1, visit)
  }
}

const isDir = (p: string) => { try { return statSync(p).isDirectory() } catch { return false } }
const isFile = (p: string) => { try { return statSync(p).isFile() } catch { return false } }
