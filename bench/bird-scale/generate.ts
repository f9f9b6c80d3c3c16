/**
 * BIRD-scale benchmark databases: the real schemas of the 11 BIRD dev databases
 * (dev_tables.json) filled with synthetic rows at the real databases' row counts (row-counts.ts,
 * times --scale), deterministic for a seed. The literals that the 1,534 dev gold queries and their
 * evidence compare columns with are seeded into the rows: each query gets an "anchor" row per table
 * it reads, holding all of its conditions at once and joined through shared key values, and 20 % of
 * the other cells of such a column come from its literals. Joined columns (declared foreign keys and
 * the equalities the gold queries join on) draw from one key domain, so joins match.
 *
 *   npx tsx bench/bird-scale/generate.ts [--scale 1] [--seed 42] [--out bench/out/bird-scale] [--db id,id]
 *
 * Writes <out>/dev_databases/<db_id>/<db_id>.sqlite (with database_description linked to the
 * real CSVs) and <out>/manifest.json (row counts, sha256, seconds). Never committed: bench/out/ is ignored.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { sharedDataDir } from '../../test/helpers/shared-data.js'
import { machine } from '../machine.js'
import { FactFinder, type Condition, type Literal } from './literals.js'
import { BIRD_DEV_ROW_COUNTS, FALLBACK_ROWS } from './row-counts.js'
import { createTable, ident, loadSchemas, singleKeys, type Column, type DbSchema, type Table } from './schema.js'

export interface GenerateOptions { scale: number, seed: number, out: string, dbs?: string[], birdDir: string, log?: (line: string) => void }
export interface DbManifest { db_id: string, tables: Record<string, number>, bytes: number, sha256: string, seconds: number }

/** Deterministic PRNG (mulberry32) seeded from a string. */
function rng (key: string): () => number {
  let a = createHash('sha256').update(key).digest().readUInt32LE(0)
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Tables up to 1,000 rows (lookups) keep their real size; larger ones scale, to at least 1,000. */
export function scaledRows (real: number, scale: number): number {
  return real <= 1000 ? real : Math.max(1000, Math.round(real * scale))
}

const DATE_NAME = /date|birthday|^dob$|creationdate|lastaccess/i
const isDateLike = (c: Column, pool: Literal[]): boolean =>
  c.type === 'date' || c.type === 'datetime' || (c.type === 'text' && (DATE_NAME.test(c.name) || pool.some((v) => typeof v === 'string' && /^\d{4}-\d{2}(-\d{2})?/.test(v))))
const isYear = (v: Literal): boolean => /^(1[89]|20)\d\d$/.test(String(v))

/** The value an anchor row holds so that `cond` is true of it (null when none can be said). */
function satisfying (c: Column, cond: Condition, dateLike: boolean): Literal | null {
  const { op, value } = cond
  if (op === '!=' || op === '<>') return null
  if (op === 'like') return String(value).replaceAll('%', '').replaceAll('_', 'a')
  const shift = op === '>' ? 1 : op === '<' ? -1 : 0
  if (dateLike && (cond.wrapped || isYear(value))) {
    const s = String(value)
    if (isYear(s)) return `${Number(s) + shift}-06-15` + (c.type === 'datetime' ? ' 12:00:00.0' : '')
    if (/^\d{4}-\d{2}$/.test(s)) return `${s}-15`
    return shift === 0 ? s : null
  }
  if (typeof value === 'number') return value + shift * (Number.isInteger(value) ? 1 : 0.01)
  if (shift > 0) return value + '1'
  if (shift < 0) return null
  return value
}

class UnionFind {
  readonly #parent = new Map<string, string>()
  find (x: string): string {
    let p = this.#parent.get(x) ?? x
    if (p !== x) { p = this.find(p); this.#parent.set(x, p) }
    return p
  }

  union (a: string, b: string): void { const ra = this.find(a); const rb = this.find(b); if (ra !== rb) this.#parent.set(ra, rb) }
}

interface Plan {
  rows: Map<string, number>
  /** Key domain of each joined column ("table.column"). */
  domainOf: Map<string, Literal[]>
  pool: Map<string, Literal[]>
  /** table -> row index -> column -> value */
  anchors: Map<string, Map<number, Map<string, Literal>>>
}

export function plan (schema: DbSchema, questions: Array<{ SQL: string, evidence: string }>, scale: number): Plan {
  const rows = new Map(schema.tables.map((t) => [t.name, scaledRows(BIRD_DEV_ROW_COUNTS[schema.dbId]?.[t.name] ?? FALLBACK_ROWS, scale)]))
  const colOf = new Map<string, Column>()
  for (const t of schema.tables) for (const c of t.columns) colOf.set(`${t.name}.${c.name}`, c)
  const finder = new FactFinder(schema)
  const uf = new UnionFind()
  const joined = new Set<string>()
  const join = (a: string, b: string): void => { if (a !== b) { uf.union(a, b); joined.add(a); joined.add(b) } }
  for (const t of schema.tables) for (const fk of t.foreignKeys) join(`${t.name}.${fk.column}`, `${fk.refTable}.${fk.refColumn}`)
  const facts = questions.map((q) => finder.query(q.SQL, q.evidence))
  for (const f of facts) for (const [a, b] of f.joins) join(a, b)

  // Literal pools per column (values that make a condition true).
  const pool = new Map<string, Literal[]>()
  const rawPool = new Map<string, Literal[]>()
  for (const f of facts) for (const c of f.conditions) { const k = `${c.table}.${c.column}`; rawPool.set(k, [...(rawPool.get(k) ?? []), c.value]) }
  const anchorsPerQuery = facts.map((f) => f.conditions.map((cond) => {
    const k = `${cond.table}.${cond.column}`
    const col = colOf.get(k)!
    return { k, col, value: satisfying(col, cond, isDateLike(col, rawPool.get(k) ?? [])) }
  }).filter((a) => a.value !== null) as Array<{ k: string, col: Column, value: Literal }>)
  for (const list of anchorsPerQuery) for (const a of list) { const p = pool.get(a.k) ?? []; if (!p.includes(a.value)) p.push(a.value); pool.set(a.k, p) }

  // Key domains: a joined group's values are its literals first, then 1..D (or text keys),
  // D = the largest table whose single-column key (primary or unique) is in the group (else the smallest member table).
  const groups = new Map<string, string[]>()
  for (const k of joined) { const r = uf.find(k); groups.set(r, [...(groups.get(r) ?? []), k]) }
  const domainOf = new Map<string, Literal[]>()
  for (const members of groups.values()) {
    const tables = schema.tables
    // Numeric keys when the group's primary keys (else all its columns) are numbers; text literals are then left out.
    const pkMembers = members.filter((m) => { const [t, c] = split(m); return singleKeys(tables.find((x) => x.name === t)!).includes(c) })
    const numeric = (pkMembers.length > 0 ? pkMembers : members).every((m) => colOf.get(m)!.type === 'integer' || colOf.get(m)!.type === 'real')
    const size = pkMembers.length > 0 ? Math.max(...pkMembers.map((m) => rows.get(split(m)[0])!)) : Math.min(...members.map((m) => rows.get(split(m)[0])!))
    const seen = new Set<string>()
    const domain: Literal[] = []
    const push = (v: Literal): void => { const key = String(v); if (!seen.has(key)) { seen.add(key); domain.push(v) } }
    for (const m of members) {
      for (const v of pool.get(m) ?? []) {
        if (!numeric) push(String(v))
        else if (Number.isInteger(Number(v)) && String(v).trim() !== '') push(Number(v))
      }
    }
    const prefix = split(members[0])[1].replace(/[^A-Za-z]/g, '').slice(0, 6).toLowerCase() || 'k'
    for (let i = 1; domain.length < size; i++) push(numeric ? i : `${prefix}${String(i).padStart(6, '0')}`)
    for (const m of members) domainOf.set(m, domain)
  }

  // Anchor rows: query q's conditions all hold in row a_q of each table it reads, and that row's
  // key columns take domain[a_q], so the query's joins meet there.
  const anchors = new Map<string, Map<number, Map<string, Literal>>>()
  facts.forEach((f, qi) => {
    if (f.tables.length === 0) return
    const minRows = Math.min(...f.tables.map((t) => rows.get(t)!))
    const a = (qi * 7919) % minRows
    for (const t of f.tables) {
      const perTable = anchors.get(t) ?? new Map<number, Map<string, Literal>>()
      const row = new Map<string, Literal>()
      for (const c of schema.tables.find((x) => x.name === t)!.columns) {
        const d = domainOf.get(`${t}.${c.name}`)
        if (d !== undefined) row.set(c.name, d[a % d.length])
      }
      // A single-column key keeps its domain value (its literals are at the front of the domain).
      const keys = singleKeys(schema.tables.find((x) => x.name === t)!)
      for (const x of anchorsPerQuery[qi]) if (x.col.table === t && !keys.includes(x.col.name)) row.set(x.col.name, x.value)
      perTable.set(a, new Map([...(perTable.get(a) ?? []), ...row]))
      anchors.set(t, perTable)
    }
  })
  return { rows, domainOf, pool, anchors }
}

const split = (k: string): [string, string] => { const i = k.indexOf('.'); return [k.slice(0, i), k.slice(i + 1)] }
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** A column's cell generator for non-anchor rows. */
function cellMaker (t: Table, c: Column, p: Plan, rand: () => number, n: number): (i: number) => Literal | null {
  const key = `${t.name}.${c.name}`
  const domain = p.domainOf.get(key)
  const single = singleKeys(t).includes(c.name)
  if (domain !== undefined) {
    if (single) return (i) => domain[i % domain.length]
    const lim = Math.min(domain.length, Math.max(n, 1) * 4)
    return () => domain[Math.floor(rand() * lim)]
  }
  const pool = p.pool.get(key) ?? []
  if (single) {
    if (c.type === 'integer') return (i) => i + 1
    const taken = new Set(pool.map(String))
    let k = 0
    return (i) => {
      if (i < pool.length) return pool[i]
      let v: string
      do v = `${c.name.slice(0, 6).toLowerCase()}${pad(++k, 6)}`; while (taken.has(v))
      return v
    }
  }
  let base: () => Literal
  if (isDateLike(c, pool)) {
    const years = pool.map((v) => Number(String(v).slice(0, 4))).filter((y) => y > 1800 && y < 2100)
    const lo = years.length > 0 ? Math.min(...years) - 1 : 1990
    const hi = years.length > 0 ? Math.max(...years) + 1 : 2020
    base = () => {
      const d = `${Math.floor(lo + rand() * (hi - lo + 1))}-${pad(1 + Math.floor(rand() * 12))}-${pad(1 + Math.floor(rand() * 28))}`
      return c.type === 'datetime' ? `${d} ${pad(Math.floor(rand() * 24))}:${pad(Math.floor(rand() * 60))}:${pad(Math.floor(rand() * 60))}.0` : d
    }
  } else if (c.type === 'integer' || c.type === 'real') {
    const nums = pool.map(Number).filter(Number.isFinite)
    const lo = Math.min(0, ...nums)
    const hi = nums.length > 0 ? Math.max(10, 2 * Math.max(...nums)) : 1000
    base = c.type === 'integer' ? () => Math.floor(lo + rand() * (hi - lo + 1)) : () => Math.round((lo + rand() * (hi - lo)) * 100) / 100
  } else {
    // A skewed vocabulary, so that GROUP BY and DISTINCT see repeats.
    const v = Math.min(5000, Math.max(10, Math.floor(n / 20)))
    const stem = c.name.replace(/[^A-Za-z]/g, '').slice(0, 10) || 'v'
    base = () => `${stem} ${Math.floor(v * rand() * rand())}`
  }
  const nullable = !t.primaryKey.includes(c.name)
  return () => {
    const r = rand()
    if (pool.length > 0 && r < 0.2) return pool[Math.floor(rand() * pool.length)]
    if (nullable && r > 0.98) return null
    return base()
  }
}

function fillTable (db: Database.Database, t: Table, p: Plan, seed: number, dbId: string): number {
  const n = p.rows.get(t.name)!
  const rand = rng(`${seed}/${dbId}/${t.name}`)
  const makers = t.columns.map((c) => cellMaker(t, c, p, rand, n))
  const anchors = p.anchors.get(t.name)
  const cols = t.columns.map((c) => c.name)
  const insert = db.prepare(`INSERT OR IGNORE INTO ${ident(t.name)} VALUES (${cols.map(() => '?').join(', ')})`)
  let inserted = 0
  db.transaction(() => {
    // Rows that collide on a composite key are retried with fresh values, up to 3n attempts.
    // A row that collides on a key (a composite key's random parts) is skipped; the next index
    // brings fresh values, up to 3n attempts.
    for (let i = 0; inserted < n && i < 3 * n; i++) {
      const row = makers.map((m) => m(i))
      const a = anchors?.get(i)
      if (a !== undefined) for (const [k, v] of a) row[cols.indexOf(k)] = v
      if (insert.run(row).changes === 1) inserted++
    }
  })()
  return inserted
}

export function generate (opts: GenerateOptions): { seconds: number, dbs: DbManifest[] } {
  const log = opts.log ?? (() => {})
  const schemas = loadSchemas(join(opts.birdDir, 'dev_tables.json')).filter((s) => opts.dbs === undefined || opts.dbs.includes(s.dbId))
  const questions = JSON.parse(readFileSync(join(opts.birdDir, 'dev.json'), 'utf8')) as Array<{ db_id: string, SQL: string, evidence: string }>
  const started = performance.now()
  const dbs: DbManifest[] = []
  for (const schema of schemas) {
    const t0 = performance.now()
    const p = plan(schema, questions.filter((q) => q.db_id === schema.dbId), opts.scale)
    const dir = join(opts.out, 'dev_databases', schema.dbId)
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${schema.dbId}.sqlite`)
    const tmp = `${file}.tmp`
    rmSync(tmp, { force: true })
    const db = new Database(tmp)
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    // Real BIRD files violate some of their declared keys too; the rows need not be checked.
    db.pragma('foreign_keys = OFF')
    const tables: Record<string, number> = {}
    for (const t of schema.tables) db.exec(createTable(t))
    for (const t of schema.tables) tables[t.name] = fillTable(db, t, p, opts.seed, schema.dbId)
    db.close()
    renameSync(tmp, file)
    const desc = join(opts.birdDir, 'dev_databases', schema.dbId, 'database_description')
    const link = join(dir, 'database_description')
    if (existsSync(desc) && !existsSync(link)) symlinkSync(resolve(desc), link)
    const bytes = readFileSync(file)
    const m: DbManifest = { db_id: schema.dbId, tables, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), seconds: (performance.now() - t0) / 1000 }
    dbs.push(m)
    log(`${schema.dbId}: ${Object.values(tables).reduce((a, b) => a + b, 0).toLocaleString('en')} rows, ${(m.bytes / 2 ** 20).toFixed(1)} MiB, ${m.seconds.toFixed(1)} s`)
  }
  return { seconds: (performance.now() - started) / 1000, dbs }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '42' }, out: { type: 'string', default: 'bench/out/bird-scale' }, db: { type: 'string' } } })
  const scale = Number(values.scale)
  if (!(scale > 0 && scale <= 1)) { console.error('--scale must be in (0, 1]'); process.exit(2) }
  const birdDir = join(sharedDataDir(), 'bird-official-nodb')
  if (!existsSync(join(birdDir, 'dev_tables.json'))) { console.error(`needs ${birdDir} (BIRD dev.json and dev_tables.json; set T2S_SHARED_DATA)`); process.exit(1) }
  const out = resolve(values.out)
  console.log(`machine: ${machine()}; scale ${scale}, seed ${values.seed} → ${out}`)
  const result = generate({ scale, seed: Number(values.seed), out, birdDir, dbs: values.db?.split(','), log: console.log })
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ scale, seed: Number(values.seed), machine: machine(), ...result }, null, 2) + '\n')
  console.log(`done in ${result.seconds.toFixed(1)} s`)
}
