import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort, waitForPort } from '@t2s/core/util'
import { waitFor } from './processes.js'

export interface ClusterNode {
  name: string
  port: number
  /** SIGKILL, as a crash would. */
  kill: () => Promise<void>
  /** Starts it again with the same name, ports and store. */
  restart: () => Promise<void>
}

export interface TestNatsCluster {
  /** Every node's client URL, comma-separated (what NATS_URL takes). */
  url: string
  nodes: ClusterNode[]
  stop: () => Promise<void>
}

/**
 * A real nats-server cluster on loopback: `size` nodes with routes to each other and
 * clustered JetStream (file store per node), as docs/operations.md describes for several
 * hosts. Resolves once JetStream has a meta leader and answers requests.
 */
export async function startNatsCluster (size = 3): Promise<TestNatsCluster> {
  const root = mkdtempSync(join(tmpdir(), 't2s-cluster-'))
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort() })))
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`)
  const nodes: ClusterNode[] = ports.map((p, i) => {
    const name = `n${i + 1}`
    const dir = join(root, name)
    mkdirSync(dir, { recursive: true })
    const conf = join(dir, 'nats.conf')
    writeFileSync(conf, [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${p.client}`,
      'max_payload: 8MB',
      `jetstream { store_dir: ${JSON.stringify(dir)} }`,
      `cluster { name: t2s, listen: 127.0.0.1:${p.route}, routes: [${routes.filter((_, j) => j !== i).join(', ')}] }`
    ].join('\n') + '\n')
    let proc: ChildProcess | undefined
    const launch = async () => {
      proc = spawn('nats-server', ['-c', conf], { stdio: 'ignore' })
      proc.on('error', (err) => { throw new Error(`cannot start nats-server (apt-get install -y nats-server): ${err.message}`) })
      if (!await waitForPort(p.client, 10_000)) throw new Error(`nats-server ${name} did not listen on ${p.client}`)
    }
    return {
      name,
      port: p.client,
      kill: async () => {
        const c = proc
        if (!c || c.exitCode !== null || c.signalCode !== null) return
        const exited = once(c, 'exit')
        c.kill('SIGKILL')
        await exited
      },
      restart: launch
    }
  })
  // All at once: each waits for its routes, and JetStream elects a meta leader once a quorum is up.
  const launches = nodes.map((n) => n.restart)
  await Promise.all(launches.map(async (l) => await l()))
  const url = ports.map((p) => `nats://127.0.0.1:${p.client}`).join(',')
  const nc = await connect({ servers: url.split(',') })
  try {
    await waitFor(async () => { await (await jetstreamManager(nc)).getAccountInfo(); return true }, 60_000, 250)
  } finally {
    await nc.close()
  }
  return {
    url,
    nodes,
    stop: async () => {
      for (const n of nodes) await n.kill()
      rmSync(root, { recursive: true, force: true })
    }
  }
}
