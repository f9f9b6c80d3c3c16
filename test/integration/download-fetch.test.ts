import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { DownloadError, fetchResumable, type FetchOptions } from '../../services/dataset/src/download/fetch.js'
import { startArchiveServer, type ArchiveServer } from './download-fixtures.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('resumable download (download job)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 't2s-fetch-'))
  const body = randomBytes(3 * 1024 * 1024)
  let server: ArchiveServer
  let n = 0
  const logs: string[] = []
  const run = async (name: string, extra: Partial<FetchOptions> = {}) => {
    const file = join(dir, `f${++n}.part`)
    const r = await fetchResumable({ url: server.url(name), file, signal: new AbortController().signal, retryDelayMs: () => 50, onLog: (m) => { logs.push(m) }, ...extra })
    return { ...r, file }
  }
  before(async () => { server = await startArchiveServer({ 'a.zip': body, 'b.zip': body }) })
  after(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a stalled connection is dropped and the transfer resumes where it stopped', async () => {
    server.stallNext('a.zip', 1024 * 1024)
    const before = server.requests.length
    const r = await run('a.zip', { stallMs: 1500 })
    assert.equal(r.sha256, sha(body))
    assert.deepEqual(readFileSync(r.file), body)
    const reqs = server.requests.slice(before)
    assert.equal(reqs.length, 2)
    const stalled = logs.map((m) => /^transfer interrupted at (\d+) bytes \(no data for 1500 ms\)/.exec(m)).find(Boolean)
    assert.ok(stalled, logs.join('\n'))
    // Whatever had arrived before the stall is kept (on a loaded machine that may be less than the 1 MiB sent).
    const kept = Number(stalled[1])
    assert.equal(reqs[1].range, kept > 0 ? `bytes=${kept}-` : null)
    assert.equal(r.resumed, kept > 0 ? 1 : 0)
  })

  test('a partial file left by a crashed process resumes with a Range request', async () => {
    const first = await run('a.zip')
    // A second process finds half the file and its validators.
    const file = join(dir, 'crashed.part')
    writeFileSync(file, body.subarray(0, 1_000_000))
    writeFileSync(`${file}.meta.json`, readFileSync(`${first.file}.meta.json`))
    const before = server.requests.length
    const r = await fetchResumable({ url: server.url('a.zip'), file, signal: new AbortController().signal })
    assert.equal(r.sha256, sha(body))
    assert.equal(server.requests[before].range, 'bytes=1000000-')
    assert.equal(server.requests[before].status, 206)
  })

  test('a file changed on the server is fetched again from the start, not spliced', async () => {
    const changed = randomBytes(2 * 1024 * 1024)
    server.dropNext('b.zip', 500_000)
    const file = join(dir, 'changing.part')
    let swapped = false
    const r = await fetchResumable({
      url: server.url('b.zip'),
      file,
      signal: new AbortController().signal,
      retryDelayMs: () => 50,
      onLog: (m) => {
        logs.push(m)
        // Between the dropped transfer and its resume, the file changes on the server.
        if (!swapped && m.startsWith('transfer interrupted')) { server.put('b.zip', changed); swapped = true }
      }
    })
    assert.equal(r.sha256, sha(changed))
    assert.deepEqual(readFileSync(file), changed)
    assert.ok(logs.some((m) => /starting over/.test(m)))
  })

  test('server errors are retried; a 404 fails at once with the status', async () => {
    server.failNext('a.zip', 503)
    const r = await run('a.zip')
    assert.equal(r.sha256, sha(body))
    await assert.rejects(run('missing.zip'), (err: Error) => err instanceof DownloadError && err.message === `${new URL(server.url('missing.zip')).host} answered HTTP 404 for the archive`)
  })

  test('cancellation stops the transfer', async () => {
    const c = new AbortController()
    server.stallNext('a.zip', 100_000)
    const p = fetchResumable({ url: server.url('a.zip'), file: join(dir, 'cancel.part'), signal: c.signal, stallMs: 60_000 })
    setTimeout(() => c.abort('cancelled'), 200)
    await assert.rejects(p)
  })
})
