import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { NatsConnection } from '@nats-io/transport-node'
import { createLogger } from '@t2s/core'
import { connectNats } from '@t2s/core/nats'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { buildGateway } from '../../gateway/src/app.js'
import { waitJobDone } from './jobs.js'
import { startNatsServer } from './nats-server.js'
import { startTs, type Proc } from './processes.js'

const API_KEY = 'stack-test-key-0123456789'
export const AUTH = { authorization: `Bearer ${API_KEY}` }

export interface Stack {
  nc: NatsConnection
  jobs: JobStore
  gateway: FastifyInstance
  dataDir: string
  procs: Map<string, Proc>
  /** (Re)starts a service process with the stack's environment plus `extra`. */
  startService: (name: string, extra?: Record<string, string>) => Promise<Proc>
  waitJob: (id: string, timeoutMs?: number) => Promise<any>
  /** POST /v1/sources; throws with the answer unless it is 201. Returns the source. */
  registerSource: (name: string, questions: string, databases: string) => Promise<any>
  stop: () => Promise<void>
}

/**
 * A private nats-server, the named services as real processes, and the gateway app in
 * this process (called with inject): the whole HTTP → NATS → service path on loopback.
 */
export async function startStack (services: string[], env: Record<string, string> = {}): Promise<Stack> {
  const nats = await startNatsServer()
  const dataDir = mkdtempSync(join(tmpdir(), 't2s-stack-'))
  const baseEnv = { NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }
  const procs = new Map<string, Proc>()
  const startService = async (name: string, extra: Record<string, string> = {}) => {
    const entry = new URL(`../../services/${name}/src/main.ts`, import.meta.url).pathname
    const p = await startTs(entry, { ...baseEnv, LOG_LEVEL: 'info', ...extra }, /"msg":"ready"/)
    procs.set(name, p)
    return p
  }
  try {
    for (const s of services) await startService(s)
  } catch (err) {
    // A service that does not come up must not leave nats-server and the others running:
    // their handles would keep the test process alive long after its failure.
    for (const p of procs.values()) await p.kill('SIGKILL')
    await nats.stop()
    rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  const nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
  const { kv } = await ensureJetStream(nc)
  const jobs = new JobStore(nc, kv)
  const gateway = await buildGateway({ nc, jobs, apiKeys: [API_KEY], services, dataDir })
  await gateway.ready()
  return {
    nc,
    jobs,
    gateway,
    dataDir,
    procs,
    startService,
    waitJob: async (id, timeoutMs = 60_000) => await waitJobDone(jobs, id, timeoutMs),
    registerSource: async (name, questions, databases) => {
      const res = await gateway.inject({ method: 'POST', url: '/v1/sources', headers: AUTH, payload: { name, questions, databases } })
      if (res.statusCode !== 201) throw new Error(`registering source ${name}: ${res.statusCode} ${res.body}`)
      return res.json()
    },
    stop: async () => {
      await gateway.close()
      for (const p of procs.values()) await p.kill('SIGKILL')
      await nc.close()
      await nats.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
