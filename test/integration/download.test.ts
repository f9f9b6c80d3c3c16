import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import { eventSubject, EVENTS_STREAM } from '@t2s/core/contracts'
import type { JobEvent } from '@t2s/core/jobs'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { makeZip, startArchiveServer, type ArchiveServer } from './download-fixtures.js'

/**
 * A BIRD dev-shaped archive as dev.zip is laid out: dev_20240627/ with dev.json and an
 * inner dev_databases.zip, plus macOS litter. One database carries `blobBytes` of random
 * data, so the archive is as large as asked and does not compress.
 */
function birdArchive (blobBytes: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 't2s-bird-'))
  try {
    const dbFile = (name: string, fill: (db: Database.Database) => void) => {
      const file = join(dir, `${name}.sqlite`)
      const db = new Database(file)
      fill(db)
      db.close()
      return readFileSync(file)
    }
    const shop = dbFile('shop', (db) => {
      db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL); CREATE TABLE blob (id INTEGER PRIMARY KEY, data BLOB)')
      db.prepare('INSERT INTO item (name, price) VALUES (?, ?), (?, ?)').run('pen', 1.5, 'ink', 3)
      const insert = db.prepare('INSERT INTO blob (data) VALUES (?)')
      for (let left = blobBytes; left > 0; left -= 1024 * 1024) insert.run(randomBytes(Math.min(left, 1024 * 1024)))
    })
    const school = dbFile('school', (db) => {
      db.exec("CREATE TABLE student (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO student (name) VALUES ('ada'), ('alan')")
    })
    const inner = makeZip([
      { name: 'dev_databases/' },
      { name: 'dev_databases/shop/shop.sqlite', data: shop, method: 0 },
      { name: 'dev_databases/shop/database_description/item.csv', data: Buffer.from('original_column_name,column_description\nprice,price in euro\n') },
      { name: 'dev_databases/school/school.sqlite', data: school },
      { name: '__MACOSX/dev_databases/._shop', data: Buffer.from('mac') }
    ])
    const questions = [
      { question_id: 0, db_id: 'shop', question: 'How many items?', evidence: '', SQL: 'SELECT count(*) FROM item', difficulty: 'simple' },
      { question_id: 1, db_id: 'shop', question: 'Most expensive item?', evidence: 'price is in euro', SQL: 'SELECT name FROM item ORDER BY price DESC LIMIT 1', difficulty: 'moderate' },
      { question_id: 2, db_id: 'school', question: 'How many students?', evidence: '', SQL: 'SELECT count(*) FROM student', difficulty: 'challenging' }
    ]
    return makeZip([
      { name: 'dev_20240627/' },
      { name: 'dev_20240627/dev.json', data: Buffer.from(JSON.stringify(questions, null, 2)) },
      { name: 'dev_20240627/dev_tables.json', data: Buffer.from('[]') },
      { name: 'dev_20240627/dev_databases.zip', data: inner, method: 0 },
      { name: '__MACOSX/dev_20240627/._dev.json', data: Buffer.from('mac') }
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('BIRD download job through gateway → NATS → dataset service', { timeout: 180_000 }, () => {
  let stack: Stack
  let server: ArchiveServer
  const big = birdArchive(50 * 1024 * 1024)
  const traversal = makeZip([{ name: 'dev_20240627/dev.json', data: Buffer.from('[]') }, { name: 'dev_20240627/../../../evil.txt', data: Buffer.from('pwned') }])
  const bomb = makeZip([{ name: 'dev_20240627/dev.json', data: Buffer.from('[]') }, { name: 'dev_20240627/dev_databases/x/x.sqlite', data: Buffer.alloc(30 * 1024 * 1024) }])
  const post = async (payload: object) => await stack.gateway.inject({ method: 'POST', url: '/v1/sources/download', headers: AUTH, payload })
  const events = async (jobId: string): Promise<JobEvent[]> => {
    const consumer = await jetstream(stack.nc).consumers.get(EVENTS_STREAM, { filter_subjects: eventSubject(jobId), deliver_policy: DeliverPolicy.All })
    const out: JobEvent[] = []
    const batch = await consumer.fetch({ max_messages: 10_000, expires: 1000 })
    for await (const m of batch) {
      out.push(m.json<JobEvent>())
      if (m.info.pending === 0) break
    }
    return out
  }

  before(async () => {
    server = await startArchiveServer({ 'dev.zip': big, 'evil.zip': traversal, 'bomb.zip': bomb })
    stack = await startStack(['dataset'])
  })
  after(async () => {
    await stack?.stop()
    await server?.close()
  })

  test('fetches a 50 MB archive with progress, resumes after a dropped connection, unpacks and registers it', async () => {
    assert.ok(big.length > 50 * 1024 * 1024)
    const half = Math.floor(big.length / 2)
    server.dropNext('dev.zip', half)
    const res = await post({ name: 'bird-dev', url: server.url('dev.zip') })
    assert.equal(res.statusCode, 202, res.body)
    const accepted = res.json()
    assert.equal(accepted.id, 'bird-dev')
    assert.equal(accepted.status, 'queued')
    const job = await stack.waitJob(accepted.job_id, 120_000)
    assert.equal(job.status, 'succeeded', job.error)

    // Resumed, not restarted: the second request asked for the rest and got only the rest.
    const reqs = server.requests.filter((r) => r.path === 'dev.zip')
    assert.equal(reqs.length, 2, JSON.stringify(reqs))
    assert.equal(reqs[0].range, null)
    assert.ok(reqs[0].sent > 0 && reqs[0].sent <= half)
    assert.match(reqs[1].range ?? '', /^bytes=\d+-$/)
    const resumeAt = Number(/\d+/.exec(reqs[1].range!)![0])
    assert.ok(resumeAt > big.length / 4, `resumed at ${resumeAt}`)
    assert.ok(reqs[1].ifRange, 'the resume is guarded by If-Range')
    assert.equal(reqs[1].status, 206)
    assert.equal(resumeAt + reqs[1].sent, big.length)

    const r = job.result
    assert.equal(r.sha256, createHash('sha256').update(big).digest('hex'))
    assert.equal(r.archive_bytes, big.length)
    assert.equal(r.resumed, 1)
    assert.equal(r.questions, 'sources/bird-dev/dev_20240627/dev.json')
    assert.equal(r.databases, 'sources/bird-dev/dev_20240627/dev_databases')
    assert.equal(r.question_count, 3)
    assert.equal(r.database_count, 2)
    assert.deepEqual(job.progress, { done: big.length, total: big.length, unit: 'bytes' })

    const evs = await events(accepted.job_id)
    const progress = evs.filter((e) => e.type === 'progress')
    assert.ok(progress.length >= 3, `${progress.length} progress events`)
    assert.ok(progress.some((e) => e.progress!.done > 0 && e.progress!.done < big.length), 'progress between start and end')
    const logs = evs.filter((e) => e.type === 'log').map((e) => String(e.data?.message))
    assert.ok(logs.some((m) => /^transfer interrupted at \d+ bytes/.test(m)), logs.join('\n'))
    assert.ok(logs.some((m) => /^resumed at \d+ bytes/.test(m)), logs.join('\n'))
    assert.ok(logs.some((m) => /^registered source bird-dev/.test(m)), logs.join('\n'))

    const src = await stack.gateway.inject({ url: '/v1/sources/bird-dev', headers: AUTH })
    assert.equal(src.statusCode, 200)
    assert.deepEqual(src.json().difficulty_counts, { simple: 1, moderate: 1, challenging: 1, unknown: 0 })
    assert.deepEqual(src.json().db_ids, ['school', 'shop'])

    const root = join(stack.dataDir, 'sources', 'bird-dev')
    assert.ok(existsSync(join(root, 'dev_20240627', 'dev_databases', 'shop', 'database_description', 'item.csv')))
    assert.equal(existsSync(join(root, 'dev_20240627', 'dev_databases.zip')), false, 'the inner archive is removed once unpacked')
    assert.equal(existsSync(join(root, '__MACOSX')), false)
    assert.equal(existsSync(join(root, 'dev_20240627', '__MACOSX')), false)
    assert.deepEqual(readdirSync(join(stack.dataDir, 'sources', '.partial')), [], 'the work folder is gone')

    const again = await post({ name: 'bird-dev', url: server.url('dev.zip') })
    assert.equal(again.statusCode, 409)
    assert.match(again.json().detail, /a source named "bird-dev" already exists/)
  })

  test("refuses an archive with '../' entries: a clear error and nothing written outside its folder", async () => {
    const res = await post({ name: 'evil', url: server.url('evil.zip') })
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id)
    assert.equal(job.status, 'failed')
    assert.match(job.error, /entry "dev_20240627\/\.\.\/\.\.\/\.\.\/evil\.txt" leaves the target folder/)
    for (const dir of [stack.dataDir, join(stack.dataDir, '..'), join(stack.dataDir, 'sources')]) assert.equal(existsSync(join(dir, 'evil.txt')), false, dir)
    assert.equal(existsSync(join(stack.dataDir, 'sources', 'evil')), false)
    assert.equal(existsSync(join(stack.dataDir, 'sources', '.partial', res.json().job_id)), false)
    assert.equal((await stack.gateway.inject({ url: '/v1/sources/evil', headers: AUTH })).statusCode, 404)
  })

  test('refuses a 1000:1 compression bomb before inflating it', async () => {
    const res = await post({ name: 'bomb', url: server.url('bomb.zip') })
    const job = await stack.waitJob(res.json().job_id)
    assert.equal(job.status, 'failed')
    assert.match(job.error, /entry "dev_20240627\/dev_databases\/x\/x\.sqlite" expands 10\d\d:1 .*refusing a likely zip bomb/)
    assert.equal(existsSync(join(stack.dataDir, 'sources', 'bomb')), false)
    assert.equal(existsSync(join(stack.dataDir, 'sources', '.partial', res.json().job_id)), false)
  })

  test('validates the request and fails clearly on HTTP errors', async () => {
    const bad = await post({ name: 'x', url: 'ftp://example.org/dev.zip' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json().detail, /^body\.url/)
    const badName = await post({ name: '../x' })
    assert.equal(badName.statusCode, 400)
    const missing = await post({ name: 'missing', url: server.url('nope.zip') })
    const job = await stack.waitJob(missing.json().job_id)
    assert.equal(job.status, 'failed')
    assert.equal(job.error, `${new URL(server.url('nope.zip')).host} answered HTTP 404 for the archive`)
  })
})
