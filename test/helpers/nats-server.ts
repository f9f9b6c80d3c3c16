import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestNatsServer {
  url: string
  port: number
  storeDir: string
  /** SIGKILL, as a crash would. */
  kill: () => Promise<void>
  /** Starts it again on the same port and store (after kill). */
  restart: () => Promise<void>
  stop: () => Promise<void>
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function waitForPort (port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`)
}

/** Starts a private nats-server with JetStream on a free loopback port and a temp store. */
export async function startNatsServer (): Promise<TestNatsServer> {
  const port = await freePort()
  const storeDir = mkdtempSync(join(tmpdir(), 't2s-nats-'))
  let proc: ChildProcess | undefined
  const launch = async () => {
    proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' })
    proc.on('error', (err) => { throw new Error(`cannot start nats-server (apt-get install -y nats-server): ${err.message}`) })
    await waitForPort(port)
  }
  const kill = async () => {
    const p = proc
    if (!p || p.exitCode !== null) return
    const exited = new Promise((resolve) => p.once('exit', resolve))
    p.kill('SIGKILL')
    await exited
  }
  await launch()
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill,
    restart: launch,
    stop: async () => {
      await kill()
      rmSync(storeDir, { recursive: true, force: true })
    }
  }
}
