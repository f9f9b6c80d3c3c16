import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { ONLY_QUERIES, SANDBOX_FAILURES, SqlSandbox, TIMED_OUT, type ExecResult } from '../../src/sql/sandbox.js'
import { devDb, devDbIds, makeDb, needsBirdSample, sha256, tempDir, TMP_PREFIX } from './helpers.js'

const tag = randomBytes(6).toString('hex')
const CANARY = `CANARY-${tag}`

/** Hostile statements; {t} and {c} become a table and one of its columns. */
function corpus (canaryDb: string, tmpTarget: string, cwdTarget: string): string[] {
  return [
    'INSERT INTO {t} DEFAULT VALUES',
    'INSERT INTO {t} SELECT * FROM {t}',
    'INSERT OR REPLACE INTO {t} SELECT * FROM {t}',
    'REPLACE INTO {t} SELECT * FROM {t}',
    'UPDATE {t} SET {c} = NULL',
    'DELETE FROM {t}',
    'DROP TABLE {t}',
    'DROP TABLE IF EXISTS evil',
    'CREATE TABLE evil (x)',
    'CREATE TEMP TABLE evil (x)',
    'CREATE TEMP VIEW evil AS SELECT 1',
    'CREATE INDEX evil_i ON {t}({c})',
    'ALTER TABLE {t} RENAME TO evil',
    'ALTER TABLE {t} ADD COLUMN evil INTEGER',
    'VACUUM',
    `VACUUM INTO '${tmpTarget}'`,
    `VACUUM INTO '${cwdTarget}'`,
    'REINDEX',
    'ANALYZE',
    'PRAGMA user_version = 7',
    'PRAGMA journal_mode = WAL',
    'PRAGMA query_only = 0',
    'PRAGMA query_only=OFF',
    'PRAGMA writable_schema = ON',
    'PRAGMA database_list',
    'PRAGMA table_info({t})',
    'SELECT * FROM pragma_database_list',
    'SELECT file FROM pragma_database_list()',
    'BEGIN IMMEDIATE',
    'BEGIN',
    'COMMIT',
    'SAVEPOINT evil',
    `ATTACH '${canaryDb}' AS c`,
    `ATTACH DATABASE '${canaryDb}' AS c`,
    `ATTACH 'file:${canaryDb}?mode=ro' AS c`,
    "ATTACH ':memory:' AS m",
    'DETACH c',
    'DETACH DATABASE main',
    "SELECT load_extension('x')",
    "select LOAD_EXTENSION('/tmp/evil.so', 'init')",
    'WITH x AS (SELECT 1) DELETE FROM {t}',
    'WITH x AS (SELECT 1) INSERT INTO {t} SELECT * FROM {t}',
    'WITH x AS (SELECT 1) UPDATE {t} SET {c} = NULL',
    'SELECT 1; DROP TABLE {t}',
    'SELECT * FROM {t}; DELETE FROM {t}',
    `SELECT 1; ATTACH '${canaryDb}' AS c`,
    `ATTACH '${canaryDb}' AS c; SELECT * FROM c.secret`,
    'EXPLAIN DELETE FROM {t}',
    'EXPLAIN QUERY PLAN SELECT * FROM {t}'
  ]
}

const SQLITE_FILE = /\.(?:db|sqlite\d?)(?:-journal|-wal|-shm)?$|^etilqs_|vacuum-into/i

function listing (dir: string): Set<string> {
  return new Set(readdirSync(dir).filter((name) => !name.startsWith(TMP_PREFIX)))
}

// SQLite itself cannot compile some statements on some schemas (e.g. a foreign-key
// mismatch): those come back as `error`, still without running.
function compiles (file: string, sql: string): boolean {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.prepare(sql)
    return true
  } catch (err) {
    return (err as Error).message.includes('more than one statement')
  } finally {
    db.close()
  }
}

function tableOf (file: string): { t: string, c: string } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const t = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 1").pluck().get()) as string
    const c = (db.prepare('SELECT name FROM pragma_table_info(?) LIMIT 1').pluck().get(t)) as string
    return { t: `"${t}"`, c: `"${c}"` }
  } finally {
    db.close()
  }
}

describe('SqlSandbox: hostile statements', () => {
  const tmp = tempDir()
  const sandbox = new SqlSandbox({ size: 2 })
  const results: ExecResult[] = []
  let canaryDb: string
  let targetDb: string
  const tmpTarget = join(tmpdir(), `vacuum-into-${tag}.db`)
  const cwdTarget = `vacuum-into-${tag}.db`
  const hashes = new Map<string, string>()
  const listings = new Map<string, Set<string>>()
  let dbDirs: string[]

  before(async () => {
    canaryDb = makeDb(join(tmp.dir, 'canary.db'), `CREATE TABLE secret (v TEXT); INSERT INTO secret VALUES ('${CANARY}')`)
    targetDb = makeDb(join(tmp.dir, 'target.db'), `
      CREATE TABLE t (x INTEGER, y TEXT);
      INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
    `)
    const birdDbs = needsBirdSample === false ? devDbIds().map(devDb) : []
    for (const file of [targetDb, canaryDb, ...birdDbs]) hashes.set(file, sha256(file))
    dbDirs = [tmp.dir, ...birdDbs.map((f) => dirname(f))]
    for (const dir of [...dbDirs, process.cwd(), tmpdir()]) listings.set(dir, listing(dir))
    await sandbox.ready()
  })
  after(async () => {
    await sandbox.close()
    tmp.cleanup()
  })

  const REFUSALS = new Set([ONLY_QUERIES, `${ONLY_QUERIES} (found more than one statement)`, 'load_extension() is not allowed', 'PRAGMA functions are not allowed'])

  async function attack (file: string, strict: boolean): Promise<void> {
    const { t, c } = tableOf(file)
    for (const template of corpus(canaryDb, tmpTarget, cwdTarget)) {
      const sql = template.replaceAll('{t}', t).replaceAll('{c}', c)
      const r = await sandbox.execute(file, sql)
      results.push(r)
      const expected = strict || compiles(file, sql) ? 'rejected' : 'error'
      assert.equal(r.status, expected, `${sql} → ${r.status}: ${r.error}`)
      assert.deepEqual(r.rows, [])
      // A refusal names the policy; an error is SQLite's verdict on the SQL, not a sandbox failure.
      if (r.status === 'rejected') assert.ok(REFUSALS.has(r.error!), r.error)
      else assert.ok(typeof r.error === 'string' && r.error !== '' && r.error !== TIMED_OUT && !SANDBOX_FAILURES.has(r.error), r.error)
    }
  }

  test('every write, attach, pragma and stacked statement is refused (temp DB)', async () => {
    await attack(targetDb, true)
    const r = await sandbox.execute(targetDb, 'SELECT x, y FROM t ORDER BY x')
    assert.deepEqual(r.rows, [[1, 'a'], [2, 'b'], [3, 'c']])
  })

  test('every write, attach, pragma and stacked statement is refused (bird-sample DBs)', { skip: needsBirdSample }, async () => {
    for (const id of devDbIds()) await attack(devDb(id), false)
  })

  test('refusals name the reason', async () => {
    assert.equal((await sandbox.execute(targetDb, 'DELETE FROM t')).error, ONLY_QUERIES)
    assert.equal((await sandbox.execute(targetDb, 'SELECT 1; DROP TABLE t')).error, `${ONLY_QUERIES} (found more than one statement)`)
    assert.equal((await sandbox.execute(targetDb, "SELECT load_extension('x')")).error, 'load_extension() is not allowed')
  })

  test('an attached database is never read', async () => {
    for (const sql of ['SELECT * FROM c.secret', 'SELECT v FROM secret', 'SELECT * FROM main.secret']) {
      const r = await sandbox.execute(targetDb, sql)
      results.push(r)
      assert.equal(r.status, 'error')
    }
    const canaryRead = await sandbox.execute(canaryDb, 'SELECT v FROM secret')
    assert.deepEqual(canaryRead.rows, [[CANARY]], 'the canary is readable where it belongs')
  })

  test('no result or error carries the canary or a server path', () => {
    const text = JSON.stringify(results, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v)
    assert.ok(results.length > 50)
    assert.ok(!text.includes(CANARY), 'canary leaked')
    assert.ok(!text.includes(tmp.dir), 'temp path leaked')
    if (needsBirdSample === false) assert.ok(!text.includes(dirname(devDb('concert_singer'))), 'data path leaked')
  })

  test('files are unchanged and no file appeared', () => {
    for (const [file, hash] of hashes) assert.equal(sha256(file), hash, `${file} changed`)
    assert.equal(existsSync(tmpTarget), false, 'VACUUM INTO created a file in the temp dir')
    assert.equal(existsSync(join(process.cwd(), cwdTarget)), false, 'VACUUM INTO created a file in the cwd')
    for (const [dir, before] of listings) {
      const added = [...listing(dir)].filter((name) => !before.has(name))
      // The temp dir and the working tree are shared with other processes: there, only
      // files SQLite could have made count. The database folders must not change at all.
      const suspect = dbDirs.includes(dir) ? added : added.filter((name) => SQLITE_FILE.test(name))
      assert.deepEqual(suspect, [], `new entries in ${dir}`)
    }
  })
})
