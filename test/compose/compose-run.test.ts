/**
 * `docker compose up` without an engine, as far as it goes: each Node service of
 * compose.yaml runs as a process with exactly its compose command, its compose environment
 * (interpolated from .env.example as the README's CPU-only recipe fills it in) and its
 * healthcheck command, against a nats-server started from the config compose writes. What
 * an engine would provide is substituted, and nothing else: the host names `nats` → 127.0.0.1
 * and the compose ports → free loopback ports, the volume `/data` → a temporary folder.
 * Then the README walk-through runs through that gateway.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TERMINAL_STATUSES } from '@t2s/core/contracts'
import { freePort, waitForPort } from '@t2s/core/util'
import { buildDemo } from '../../scripts/build-demo.js'
import { waitFor } from '../helpers/processes.js'
import { envExample, loadCompose, ROOT } from './compose-file.js'

const KEY = 'compose-run-key-0123456789'
const NODE_SERVICES = ['gateway', 'dataset', 'reasoning', 'evaluator']

/** Variables a process reads: its env schema's keys (and whether each has a default), plus the few read directly. */
function variablesRead (service: string): Map<string, boolean> {
  const files = [
    'services/core/src/config.ts',
    ...(service === 'gateway' ? ['gateway/src/config.ts'] : [`services/${service}/src/main.ts`, 'services/core/src/sql/sandbox-env.ts']),
    ...(service === 'trainer' ? ['services/trainer/src/config.ts'] : [])
  ]
  const out = new Map<string, boolean>()
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8')
    // The sandbox variables count only where the service spreads SANDBOX_ENV in.
    if (f.endsWith('sandbox-env.ts') && !readFileSync(join(ROOT, files[1]), 'utf8').includes('SANDBOX_ENV')) continue
    for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9_]+): Type\.(.*)$/gm)) out.set(m[1], /default:/.test(m[2]))
  }
  // service-main reads the shutdown grace directly (default 15 s); every service runs through it.
  if (service !== 'gateway') out.set('T2S_SHUTDOWN_GRACE_S', true)
  return out
}

describe('compose.yaml run without an engine: the Node services as processes, the walk-through through its gateway', { timeout: 300_000 }, () => {
  // The README's CPU-only recipe: .env from .env.example with T2S_API_KEYS filled in, no model
  // servers, and trainer dropped from T2S_SERVICES.
  const doc = loadCompose({ ...envExample(), T2S_API_KEYS: KEY, TEACHER_BASE_URL: '', STUDENT_BASE_URL: '', T2S_SERVICES: 'dataset,reasoning,evaluator' })
  const services: Record<string, any> = doc.services
  let dataDir: string
  let natsDir: string
  let natsPort: number
  let gatewayPort: number
  const procs = new Map<string, ChildProcess>()
  const logs = new Map<string, string>()

  /** The compose environment with only the engine's part substituted. */
  const envOf = (name: string): Record<string, string> => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries<string>(services[name].environment ?? {})) {
      env[k] = String(v ?? '')
        .replace('nats://nats:4222', `nats://127.0.0.1:${natsPort}`)
        .replace(/^\/data$/, dataDir)
    }
    if (name === 'gateway') {
      assert.equal(env.PORT, '8080')
      env.PORT = String(gatewayPort)
      env.HOST = '127.0.0.1'
    }
    return env
  }
  /** Runs an argv as compose would (`node` is this Node binary), in the image's working folder. */
  const run = (argv: string[], env: Record<string, string>): ChildProcess => {
    const [cmd, ...args] = argv
    return spawn(cmd === 'node' ? process.execPath : cmd, args, { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  }
  const healthy = async (name: string): Promise<boolean> => {
    const test = services[name].healthcheck.test as string[]
    assert.equal(test[0], 'CMD')
    const child = run(test.slice(1).map((a) => a.replace('http://127.0.0.1:8080/', `http://127.0.0.1:${gatewayPort}/`)), envOf(name))
    child.stdout!.resume()
    child.stderr!.resume()
    return await new Promise((resolve) => child.on('exit', (code) => resolve(code === 0)))
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 't2s-compose-data-'))
    natsDir = mkdtempSync(join(tmpdir(), 't2s-compose-nats-'))
    natsPort = await freePort()
    gatewayPort = await freePort()
    // The config compose's nats command writes (its printf), with the engine's part substituted.
    const script = (services.nats.command as string[]).join('\n')
    const printf = /printf '([^']*)'/.exec(script)?.[1]
    assert.ok(printf, 'the nats command writes its config with printf')
    const conf = printf.replaceAll('\\n', '\n')
      .replace('port: 4222', `port: ${natsPort}`)
      .replace('http_port: 8222', `http_port: ${await freePort()}`)
      .replace('store_dir: "/data"', `store_dir: ${JSON.stringify(natsDir)}`)
    assert.match(conf, /max_payload: 8MB/)
    writeFileSync(join(natsDir, 'nats.conf'), conf)
    const nats = spawn('nats-server', ['-c', join(natsDir, 'nats.conf')], { stdio: 'ignore' })
    procs.set('nats', nats)
    assert.ok(await waitForPort(natsPort, 10_000), 'nats-server listens')
    buildDemo(join(dataDir, 'demo'))

    for (const name of NODE_SERVICES) {
      const child = run(services[name].command, envOf(name))
      let out = ''
      child.stdout!.on('data', (d) => { out += d })
      child.stderr!.on('data', (d) => { out += d })
      logs.set(name, '')
      child.on('exit', () => logs.set(name, out))
      procs.set(name, child)
    }
    for (const name of NODE_SERVICES) {
      await waitFor(async () => await healthy(name), 120_000, 1000).catch((err) => { throw new Error(`${name} never became healthy: ${String(err)}\n${logs.get(name)}`) })
    }
  })
  after(async () => {
    for (const p of procs.values()) if (p.exitCode === null) p.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(natsDir, { recursive: true, force: true })
  })

  test('every service passes its compose healthcheck and the gateway is ready for the services compose names', async () => {
    const ready = await (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).json() as any
    assert.equal(ready.status, 'ready', JSON.stringify(ready))
    assert.deepEqual(Object.keys(ready.services).sort(), services.gateway.environment.T2S_SERVICES.split(',').sort())
  })

  test('the README walk-through: register the demo, build SFT files, query the sandbox', async () => {
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined })
      return { status: res.status, body: await res.json() as any }
    }
    const src = await call('POST', '/v1/sources', { name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' })
    assert.equal(src.status, 201, JSON.stringify(src.body))
    assert.equal(src.body.question_count, 40)
    const ds = await call('POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
    assert.equal(ds.status, 202, JSON.stringify(ds.body))
    const job = await waitFor(async () => {
      const { body } = await call('GET', `/v1/jobs/${ds.body.job_id}`)
      return TERMINAL_STATUSES.includes(body.status) ? body : null
    }, 120_000, 250)
    assert.equal(job.status, 'succeeded', job.error)
    assert.deepEqual(job.result, { dataset_id: ds.body.id, train: 28, test: 12, dropped: 0 })
    const file = await fetch(`http://127.0.0.1:${gatewayPort}/v1/datasets/${ds.body.id}/files/train`, { headers: { authorization: `Bearer ${KEY}` } })
    assert.equal(file.status, 200)
    assert.equal((await file.text()).trim().split('\n').length, 28)
    const sql = await call('POST', '/v1/sql/execute', { source: 'demo', db_id: 'library', sql: 'SELECT count(*) FROM loans' })
    assert.equal(sql.status, 200)
    assert.deepEqual(sql.body.rows, [[340]])
  })

  test('every variable a service reads is set by compose or has a default, and compose sets none that nobody reads', () => {
    for (const name of [...NODE_SERVICES, 'trainer']) {
      const read = variablesRead(name)
      const set = Object.keys(services[name].environment ?? {})
      for (const [v, hasDefault] of read) assert.ok(hasDefault || set.includes(v), `${name} reads ${v}, which has no default and compose does not set`)
      // HOME, HF_* and HF_HUB_OFFLINE are read by the trainer's Python child, not by Node.
      const external = new Set(['HOME', 'HF_HOME', 'HF_TOKEN', 'HF_HUB_OFFLINE'])
      for (const v of set) assert.ok(read.has(v) || (name === 'trainer' && external.has(v)), `compose sets ${v} for ${name}, which nothing there reads`)
    }
  })
})
