import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForPort } from '@t2s/core/util'

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

/** Starts a private nats-server with JetStream on a free loopback port and a temp store. */
export async function startNatsServer (): Promise<TestNatsServer> {
  const port = await freePort()
  const storeDir = mkdtempSync(join(tmpdir(), 't2s-nats-'))
  let proc: ChildProcess | undefined
  const launch = async () => {
    proc = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' })
    proc.on('error', (err) => { throw new Error(`cannot start nats-server (apt-get install -y nats-server): ${err.message}`) })
    if (!await waitForPort(port, 10_000)) throw new Error(`nats-server did not listen on ${port} within 10 s`)
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
