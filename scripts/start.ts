/**
 * One-command launcher: `npm start`.
 *
 * Starts nats-server (JetStream under DATA_DIR, a free loopback port) unless NATS_URL is
 * set, then every service that exists under services/ and the gateway, each as its own
 * process, restarting any that crash — nats-server included, on the same port and store.
 * Prints the Swagger UI address and the API key. Only Ctrl-C (or SIGTERM) stops the suite:
 * everything, NATS last, leaving no process behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SERVICE_NAMES } from '@t2s/core/contracts'
import { freePort, waitForPort } from '@t2s/core/util'
import { buildConsole } from './build-console.js'
import { buildDemo } from './build-demo.js'

const root = resolve(import.meta.dirname, '..')
const dataDir = resolve(process.env.DATA_DIR || join(root, 'data'))
const port = Number(process.env.PORT || 8080)
const host = process.env.HOST || '127.0.0.1'
const children = new Map<string, ChildProcess>()
let stopping = false

const say = (msg: string) => process.stdout.write(`[t2s] ${msg}\n`)

async function startNats (): Promise<string> {
  if (spawnSync('nats-server', ['--version']).error) {
    say('nats-server was not found on PATH.')
    say('Install it (Debian/Ubuntu: sudo apt-get install -y nats-server; elsewhere: https://nats.io/download) or set NATS_URL to a running server with JetStream.')
    process.exit(1)
  }
  const natsPort = await freePort()
  const monitorPort = await freePort()
  const dir = join(dataDir, 'nats')
  mkdirSync(dir, { recursive: true })
  const conf = join(dir, 'nats.conf')
  // max_payload is raised so large per-item listings fit in one reply; the monitoring port
  // (loopback) is what the JetStream watchdog asks.
  writeFileSync(conf, `listen: 127.0.0.1:${natsPort}\nhttp: 127.0.0.1:${monitorPort}\nmax_payload: 8MB\nlog_file: ${JSON.stringify(join(dir, 'nats.log'))}\njetstream {\n  store_dir: ${JSON.stringify(dir)}\n}\n`)
  superviseNats(conf)
  void watchJetStream(monitorPort)
  if (!await waitForPort(natsPort, 10_000)) {
    say('nats-server did not start; see its output above')
    await stopAll(1)
  }
  return `nats://127.0.0.1:${natsPort}`
}

/**
 * Runs nats-server like any other process: when it dies it comes back on the same port
 * with the same JetStream store (streams, KV and unacked work survive on disk), after the
 * same backoff; the services' connections retry forever and pick it up again.
 */
function superviseNats (conf: string, restarts = 0): void {
  if (stopping) return
  // Its own process group: a terminal's Ctrl-C must not reach it before the services have
  // drained their connections; stopAll ends it last.
  const proc = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  children.set('nats-server', proc)
  const started = Date.now()
  proc.on('exit', (code, signal) => {
    if (stopping) return
    const attempt = nextAttempt(started, restarts)
    const delay = backoffMs(attempt)
    say(`nats-server exited (${signal ?? code}); restarting in ${delay / 1000} s`)
    setTimeout(() => superviseNats(conf, attempt), delay).unref()
  })
}

/**
 * nats-server 2.9 can stop answering JetStream for good after a write fails on a full disk
 * (the process lives, its monitoring /jsz and every JetStream request hang). After three
 * silent checks in a row (~30 s) it is killed, and the supervisor brings it back: once
 * space is free again the suite recovers without anyone restarting it.
 */
async function watchJetStream (monitorPort: number): Promise<void> {
  let silent = 0
  // eslint-disable-next-line no-unmodified-loop-condition -- set by the signal handlers
  while (!stopping) {
    await new Promise((resolve) => setTimeout(resolve, 10_000).unref())
    const proc = children.get('nats-server')
    if (stopping || !proc || proc.exitCode !== null || proc.signalCode !== null) { silent = 0; continue }
    const ok = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false)
    silent = ok ? 0 : silent + 1
    if (silent >= 3) {
      say('nats-server: JetStream has not answered for 30 s (is its disk full?); restarting it')
      silent = 0
      proc.kill('SIGKILL')
    }
  }
}

/** A process that ran a while gets a fresh backoff; one that keeps crashing waits longer. */
const nextAttempt = (started: number, restarts: number) => Date.now() - started > 60_000 ? 0 : restarts + 1
const backoffMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5))

function apiKeys (): string {
  if (process.env.T2S_API_KEYS) return process.env.T2S_API_KEYS
  const file = join(dataDir, 'api-key')
  if (!existsSync(file)) writeFileSync(file, `t2s_${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 })
  return readFileSync(file, 'utf8').trim()
}

function startProcess (name: string, entry: string, env: NodeJS.ProcessEnv, restarts = 0): void {
  if (stopping) return
  const proc = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] })
  children.set(name, proc)
  const started = Date.now()
  proc.on('exit', (code, signal) => {
    if (stopping) return
    const attempt = nextAttempt(started, restarts)
    const delay = backoffMs(attempt)
    say(`${name} exited (${signal ?? code}); restarting in ${delay / 1000} s`)
    setTimeout(() => startProcess(name, entry, env, attempt), delay).unref()
  })
}

async function stopAll (code: number): Promise<never> {
  stopping = true
  const order = [...children.entries()].filter(([n]) => n !== 'nats-server')
  const nats = children.get('nats-server')
  await Promise.all(order.map(async ([, p]) => await terminate(p)))
  if (nats) await terminate(nats)
  process.exit(code)
}

async function terminate (p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return
  const exited = new Promise((resolve) => p.once('exit', resolve))
  p.kill('SIGTERM')
  const timer = setTimeout(() => p.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

process.on('SIGINT', () => { void stopAll(0) })
process.on('SIGTERM', () => { void stopAll(0) })

mkdirSync(dataDir, { recursive: true })
// The demo source (examples/demo) in DATA_DIR/demo, built when absent; see scripts/build-demo.ts.
try {
  if (buildDemo(join(dataDir, 'demo')).built) say(`built the demo source in ${join(dataDir, 'demo')}`)
} catch (err) {
  say(`could not build the demo source: ${(err as Error).message}`)
}
// The web console's bundle (console/dist), rebuilt when console/src changed; see docs/console.md.
try {
  if (buildConsole()) say('built the web console (console/dist)')
} catch (err) {
  say(`could not build the web console (/console answers 503): ${(err as Error).message}`)
}
const natsUrl = process.env.NATS_URL || await startNats()
const key = apiKeys()
const services = SERVICE_NAMES.filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')))
const env = { ...process.env, NATS_URL: natsUrl, DATA_DIR: dataDir, T2S_API_KEYS: key, T2S_SERVICES: services.join(','), PORT: String(port), HOST: host, LOG_LEVEL: process.env.LOG_LEVEL || 'info' }
for (const s of services) startProcess(s, join('services', s, 'src', 'main.ts'), env)
startProcess('gateway', join('gateway', 'src', 'server.ts'), env)

const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
const deadline = Date.now() + 120_000
let ready = false
// eslint-disable-next-line no-unmodified-loop-condition -- set by the signal handlers
while (Date.now() < deadline && !stopping && !ready) {
  ready = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false)
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 250))
}
if (!ready) say(`not ready after 120 s: some services are still starting; watch ${base}/readyz`)
say(`services: ${services.join(', ')}`)
say(`Swagger UI: ${base}/docs`)
say(`Console:    ${base}/console/`)
say(`API key:    ${key.includes(',') ? key.split(',')[0] + ' (first of T2S_API_KEYS)' : key}`)
say(`DATA_DIR:   ${dataDir}`)
say('Ctrl-C stops everything.')
