/**
 * Builds the demo source (examples/demo) in BIRD's layout:
 *
 *   <target>/dev.json
 *   <target>/dev_databases/<db_id>/<db_id>.sqlite
 *   <target>/dev_databases/<db_id>/database_description/<table>.csv
 *
 * Usage: tsx scripts/build-demo.ts [target] [--force]   (npm run demo:build)
 * The target defaults to $DATA_DIR/demo (DATA_DIR defaults to ./data). A target that already
 * holds every file is left alone unless --force is given, so `npm start` can call this on
 * every start: rewriting dev.json under a registered source would change its checksum.
 * Each file is written to a temporary name beside it and renamed into place.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'

export const DEMO_DIR = resolve(import.meta.dirname, '..', 'examples', 'demo')

export interface DemoBuild {
  target: string
  /** False when the target already held every file and nothing was written. */
  built: boolean
  dbIds: string[]
}

/** The db_ids the demo ships: one per examples/demo/sql/<db_id>.sql. */
export function demoDbIds (demoDir = DEMO_DIR): string[] {
  return readdirSync(join(demoDir, 'sql')).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -4)).sort()
}

const sqliteFile = (target: string, dbId: string) => join(target, 'dev_databases', dbId, `${dbId}.sqlite`)

function descriptionFiles (demoDir: string, dbId: string): string[] {
  const dir = join(demoDir, 'database_description', dbId)
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.csv')).sort() : []
}

function complete (target: string, demoDir: string, dbIds: string[]): boolean {
  if (!existsSync(join(target, 'dev.json'))) return false
  return dbIds.every((id) => existsSync(sqliteFile(target, id)) &&
    descriptionFiles(demoDir, id).every((f) => existsSync(join(target, 'dev_databases', id, 'database_description', f))))
}

const tmpName = (file: string) => `${file}.tmp-${process.pid}`

function copyAtomic (from: string, to: string): void {
  const tmp = tmpName(to)
  try {
    copyFileSync(from, tmp)
    renameSync(tmp, to)
  } finally {
    rmSync(tmp, { force: true })
  }
}

/** Runs sql/<db_id>.sql into a fresh database file, foreign keys enforced. */
function buildDatabase (sqlPath: string, file: string): void {
  const tmp = tmpName(file)
  rmSync(tmp, { force: true })
  try {
    const db = new Database(tmp)
    try {
      db.pragma('foreign_keys = ON')
      db.transaction(() => db.exec(readFileSync(sqlPath, 'utf8')))()
      const broken = db.pragma('foreign_key_check') as unknown[]
      if (broken.length > 0) throw new Error(`${sqlPath}: ${broken.length} rows break a foreign key`)
    } finally {
      db.close()
    }
    renameSync(tmp, file)
  } finally {
    rmSync(tmp, { force: true })
    rmSync(`${tmp}-journal`, { force: true })
  }
}

/** Builds the demo into targetDir unless it is already complete (or force is set). */
export function buildDemo (targetDir: string, opts: { force?: boolean, demoDir?: string } = {}): DemoBuild {
  const target = resolve(targetDir)
  const demoDir = opts.demoDir ?? DEMO_DIR
  const dbIds = demoDbIds(demoDir)
  if (!opts.force && complete(target, demoDir, dbIds)) return { target, built: false, dbIds }
  for (const id of dbIds) {
    const dir = join(target, 'dev_databases', id)
    mkdirSync(dir, { recursive: true })
    buildDatabase(join(demoDir, 'sql', `${id}.sql`), sqliteFile(target, id))
    const descriptions = descriptionFiles(demoDir, id)
    if (descriptions.length > 0) mkdirSync(join(dir, 'database_description'), { recursive: true })
    for (const f of descriptions) copyAtomic(join(demoDir, 'database_description', id, f), join(dir, 'database_description', f))
  }
  // dev.json last: its presence marks a finished build.
  copyAtomic(join(demoDir, 'dev.json'), join(target, 'dev.json'))
  return { target, built: true, dbIds }
}

const USAGE = `Usage: npm run demo:build -- [target] [--force]
       tsx scripts/build-demo.ts [target] [--force]

Builds the demo source from examples/demo in BIRD's layout:
  <target>/dev.json
  <target>/dev_databases/<db_id>/<db_id>.sqlite (+ database_description/*.csv)

  target   where to build; default $DATA_DIR/demo (DATA_DIR defaults to ./data)
  --force  rebuild even if the target already holds every file
  --help   show this text

Then register it (paths are relative to DATA_DIR):
  POST /v1/sources {"name":"demo","questions":"demo/dev.json","databases":"demo/dev_databases"}
`

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--force')
  const positional = args.filter((a) => !a.startsWith('-'))
  if (unknown.length > 0 || positional.length > 1) {
    process.stderr.write(`unexpected argument ${[...unknown, ...positional.slice(1)][0]}\n\n${USAGE}`)
    process.exit(2)
  }
  const target = positional[0] ?? join(process.env.DATA_DIR || 'data', 'demo')
  const r = buildDemo(target, { force: args.includes('--force') })
  process.stdout.write(r.built
    ? `built the demo source in ${r.target} (databases: ${r.dbIds.join(', ')})\n`
    : `${r.target} already holds the demo source; --force rebuilds it\n`)
}
