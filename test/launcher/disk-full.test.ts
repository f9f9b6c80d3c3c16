import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TERMINAL_STATUSES } from '@t2s/core/contracts'
import { freePort } from '@t2s/core/util'
import { waitFor } from '../helpers/processes.js'

const root = resolve(import.meta.dirname, '..', '..')

/** A 64 MB tmpfs as DATA_DIR (state databases, dataset files and the NATS store), or why not. */
function mountSmallDisk (): { dir: string } | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'needs Linux tmpfs' }
  const dir = mkdtempSync(join(tmpdir(), 't2s-full-'))
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { encoding: 'utf8' })
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    return { skip: `cannot mount a small tmpfs here (needs root): ${(r.stderr || String(r.error)).trim()}` }
  }
  return { dir }
}

/** Writes a file until the disk refuses another byte. */
function fillDisk (file: string): number {
  const fd = openSync(file, 'w')
  let written = 0
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size)
      try { for (;;) written += writeSync(fd, chunk) } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err }
    }
  } finally {
    closeSync(fd)
  }
  return written
}

const disk = mountSmallDisk()

/**
 * Issue 12 finding 2: a full disk under DATA_DIR. The affected work fails with the reason,
 * /readyz says why, and once space is back the suite recovers with no restart by hand;
 * no job is left `running` without a worker.
 */
describe('a full disk under DATA_DIR (npm start on a 64 MB tmpfs)', { skip: 'skip' in disk ? disk.skip : false, timeout: 400_000 }, () => {
  const dataDir = 'dir' in disk ? disk.dir : ''
  let launcher: ChildProcess
  let output = ''
  let base = ''
  const headers = { authorization: 'Bearer disk-full-test-key-0123456789', 'content-type': 'application/json' }
  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(60_000) })
    return { status: res.status, body: await res.json() as any }
  }
  const finished = async (jobId: string, timeoutMs: number) => await waitFor(async () => {
    const { body } = await call('GET', `/v1/jobs/${jobId}`)
    return TERMINAL_STATUSES.includes(body.status) ? body : null
  }, timeoutMs, 500)

  before(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    // T2S_MIN_FREE_MB 0: this is about a disk that fills up for real (ENOSPC), not the threshold
    // under which jobs refuse to start (test/lifecycle/disk-room.test.ts); 64 MB is below its default.
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', T2S_API_KEYS: headers.authorization.slice(7), T2S_MIN_FREE_MB: '0' }
    delete env.NATS_URL
    launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    launcher.stdout!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    launcher.stderr!.resume()
    await waitFor(async () => output.includes('Ctrl-C stops everything.'), 150_000, 200)
    await waitFor(async () => (await call('GET', '/readyz')).status === 200, 120_000, 500)
    const src = await call('POST', '/v1/sources', { name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' })
    assert.equal(src.status, 201, JSON.stringify(src.body))
  })
  after(async () => {
    if (launcher && launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve))
      process.kill(-launcher.pid!, 'SIGINT')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))])
      try { process.kill(-launcher.pid!, 'SIGKILL') } catch {}
    }
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DATA_DIR=${dataDir}`) || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) process.kill(Number(pid), 'SIGKILL')
      } catch {}
    }
    spawnSync('umount', ['-l', dataDir])
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the disk fills mid-build: the job ends with the reason, never left running', async () => {
    const filler = join(dataDir, 'filler')
    const accepted = await call('POST', '/v1/datasets', { source: 'demo', kind: 'sft', seed: 1 })
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body))
    fillDisk(filler)
    const t0 = Date.now()
    const job = await finished(accepted.body.job_id, 240_000)
    console.log('job filled mid-build:', JSON.stringify({ status: job.status, error: job.error, attempts: job.attempts }), (Date.now() - t0) / 1000, 's')
    if (job.status === 'failed') assert.match(job.error, /^the disk is full/)
    else assert.equal(job.status, 'succeeded', 'it finished before the disk filled')
    unlinkSync(filler)
  })

  test('a build asked for on a full disk is a 507 naming it, /readyz says why, and freeing space brings everything back', async () => {
    const filler = join(dataDir, 'filler')
    fillDisk(filler)
    const submitted = await call('POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
    assert.equal(submitted.status, 507, JSON.stringify(submitted.body))
    assert.match(submitted.body.detail, /^the disk is full/)
    const ready = await call('GET', '/readyz')
    assert.equal(ready.status, 503)
    assert.ok(ready.body.reasons.some((r: string) => /DATA_DIR's disk is full/.test(r)), JSON.stringify(ready.body))

    unlinkSync(filler)
    const t1 = Date.now()
    await waitFor(async () => (await call('GET', '/readyz')).status === 200, 180_000, 500)
    const recoveryS = (Date.now() - t1) / 1000
    const again = await call('POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
    assert.equal(again.status, 202, JSON.stringify(again.body))
    const job = await finished(again.body.job_id, 180_000)
    assert.equal(job.status, 'succeeded', job.error)
    assert.deepEqual(job.result, { dataset_id: again.body.id, train: 28, test: 12, dropped: 0 })
    console.log(`disk-full-figures ${JSON.stringify({ ready_after_free_s: recoveryS, launcher: output.split('\n').filter((l) => /nats-server|exited/.test(l)) })}`)
  })
})
