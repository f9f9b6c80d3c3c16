import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TERMINAL_STATUSES } from '@t2s/core/contracts'
import { freePort } from '@t2s/core/util'
import { waitFor } from '../helpers/processes.js'

const root = resolve(import.meta.dirname, '..', '..')

/** Processes whose environment names `dataDir` as DATA_DIR (what the launcher started). */
function processesOf (dataDir: string): number[] {
  const found: number[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (env.includes(`DATA_DIR=${dataDir}`) || cmd.includes(dataDir)) found.push(Number(pid))
    } catch {}
  }
  return found.filter((pid) => pid !== process.pid)
}

/**
 * `npm start` as the README promises it: one command starts nats-server, every service and
 * the gateway, prints the Swagger UI address and the key, serves the walk-through, and
 * Ctrl-C leaves nothing running.
 */
describe('npm start (scripts/start.ts)', { skip: process.platform !== 'linux' ? 'reads /proc' : false, timeout: 180_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 't2s-start-'))
  let launcher: ChildProcess
  let output = ''
  let base = ''
  let key = ''

  before(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' }
    delete env.NATS_URL
    delete env.T2S_API_KEYS
    // Its own process group, as a terminal's foreground job: Ctrl-C reaches the whole group.
    launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    launcher.stdout!.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    launcher.stderr!.resume()
    const deadline = Date.now() + 150_000
    while (!output.includes('Ctrl-C stops everything.') && Date.now() < deadline && launcher.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.match(output, /Ctrl-C stops everything\./, output)
    key = /API key: +(\S+)/.exec(output)![1]
  })
  after(async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      try { process.kill(-launcher.pid!, 'SIGKILL') } catch {}
    }
    for (const pid of processesOf(dataDir)) {
      try { process.kill(pid, 'SIGKILL') } catch {}
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('prints where the Swagger UI is and the key it wrote to DATA_DIR/api-key', async () => {
    assert.match(output, new RegExp(`Swagger UI: ${base}/docs`))
    assert.match(output, new RegExp(`Console: +${base}/console/`))
    const consolePage = await fetch(`${base}/console/`)
    assert.equal(consolePage.status, 200)
    assert.match(await consolePage.text(), /<div id="app"><\/div>/)
    assert.equal(readFileSync(join(dataDir, 'api-key'), 'utf8').trim(), key)
    assert.match(output, /built the demo source/)
    const ready = await (await fetch(`${base}/readyz`)).json()
    assert.deepEqual(ready, { status: 'ready', nats: true, services: { dataset: true, reasoning: true, trainer: true, evaluator: true } })
    const docs = await fetch(`${base}/docs/json`)
    assert.equal(docs.status, 200)
    const committed = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8'))
    assert.deepEqual(Object.keys(((await docs.json()) as { paths: object }).paths).sort(), Object.keys(committed.paths).sort())
  })

  test('the README walk-through: demo source, SFT dataset, a query in the sandbox', async () => {
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined
      })
      return { status: res.status, body: await res.json() as any }
    }
    assert.equal((await fetch(`${base}/v1/sources`)).status, 401)
    const src = await call('POST', '/v1/sources', { name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' })
    assert.equal(src.status, 201, JSON.stringify(src.body))
    assert.equal(src.body.question_count, 40)
    assert.deepEqual(src.body.db_ids, ['bike_share', 'library', 'school'])

    const ds = await call('POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
    assert.equal(ds.status, 202, JSON.stringify(ds.body))
    const job = await waitFor(async () => {
      const { body } = await call('GET', `/v1/jobs/${ds.body.job_id}`)
      return TERMINAL_STATUSES.includes(body.status) ? body : null
    }, 200 * 250, 250)
    assert.equal(job.status, 'succeeded', job.error)
    assert.deepEqual(job.result, { dataset_id: ds.body.id, train: 28, test: 12, dropped: 0 })

    const sql = await call('POST', '/v1/sql/execute', { source: 'demo', db_id: 'library', sql: 'SELECT count(*) FROM loans' })
    assert.equal(sql.status, 200)
    assert.equal(sql.body.status, 'ok')
    assert.deepEqual(sql.body.columns, ['count(*)'])
  })

  // Issue 12 finding 1: kill -9 of nats-server used to stop the whole suite.
  test('kill -9 of nats-server mid-job: the launcher restarts it, services reconnect, the job finishes', async () => {
    const natsPid = () => processesOf(dataDir).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nats-server'))
    const before = natsPid()
    assert.ok(before, 'nats-server is running')
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
    const res = await fetch(`${base}/v1/datasets`, { method: 'POST', headers, body: JSON.stringify({ source: 'demo', kind: 'sft', seed: 7 }) })
    assert.equal(res.status, 202)
    const ds = await res.json() as { id: string, job_id: string }
    process.kill(before, 'SIGKILL')
    const after = await waitFor(async () => { const p = natsPid(); return p !== undefined && p !== before ? p : undefined }, 30_000, 100)
    assert.notEqual(after, before)
    assert.match(output, /nats-server exited \(SIGKILL\); restarting in 2 s/)
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 60_000, 250)
    const job = await waitFor(async () => {
      const body = await (await fetch(`${base}/v1/jobs/${ds.job_id}`, { headers })).json() as any
      return TERMINAL_STATUSES.includes(body.status) ? body : null
    }, 120_000, 250)
    assert.equal(job.status, 'succeeded', job.error)
    assert.deepEqual(job.result, { dataset_id: ds.id, train: 28, test: 12, dropped: 0 })
    assert.equal(launcher.exitCode, null, 'the launcher is still running')
  })

  test('Ctrl-C stops every process it started, nats-server last, and exits 0', async () => {
    const started = processesOf(dataDir)
    // nats-server, four services and the gateway, besides the launcher itself.
    assert.ok(started.length >= 7, `found ${started.length} processes`)
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)))
    // A terminal sends SIGINT to its foreground group; nats-server has a group of its own.
    process.kill(-launcher.pid!, 'SIGINT')
    assert.equal(await exited, 0)
    assert.deepEqual(processesOf(dataDir), [])
  })
})
