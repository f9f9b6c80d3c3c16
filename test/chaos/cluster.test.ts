/**
 * The scale-out path of docs/operations.md, under faults: a real 3-node NATS cluster
 * (routes, clustered JetStream, streams and the jobs KV at R3 through T2S_NATS_REPLICAS),
 * two replicas of each CPU service sharing DATA_DIR, two gateways. Mid-job, one NATS node,
 * one replica of each service and one gateway are killed with SIGKILL; every job must
 * finish, every item exactly once, with outputs identical to an undisturbed run.
 * Figures (recovery seconds, items lost and doubled) are printed as `chaos-figures` lines
 * and recorded in docs/reliability.md.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { EVENTS_STREAM, WORK_STREAM, JOBS_BUCKET } from '@t2s/core/contracts/subjects'
import { TERMINAL_STATUSES } from '@t2s/core/contracts/common'
import { freePort } from '@t2s/core/util/net'
import { buildDemo } from '../../scripts/build-demo.js'
import { startNatsCluster, type TestNatsCluster } from '../helpers/nats-cluster.js'
import { startTs, waitFor, type Proc } from '../helpers/processes.js'

const ROOT = new URL('../../', import.meta.url).pathname
const KEY = 'chaos-test-key-0123456789'
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
// The demo's 40 questions, 20 times over with their gold SQL made distinct (a comment), so
// every gold is executed and a job lasts long enough to be hit mid-way.
const COPIES = 20
const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c'
const SEP = '\t----- bird -----\t'

interface Replica { name: string, proc: Proc }

const figure = (name: string, values: Record<string, unknown>) => console.log(`chaos-figures ${JSON.stringify({ name, ...values })}`)

describe('chaos on a 3-node NATS cluster with two replicas of each service and two gateways', { timeout: 360_000 }, () => {
  let cluster: TestNatsCluster
  let dataDir: string
  const replicas: Replica[] = []
  const gateways: Array<{ base: string, proc: Proc }> = []
  let questions: Array<{ db_id: string, SQL: string }>

  const env = () => ({ NATS_URL: cluster.url, DATA_DIR: dataDir, T2S_NATS_REPLICAS: '3', LOG_LEVEL: 'warn', EVAL_ACK_WAIT_S: '5', EVAL_ITEM_CONCURRENCY: '8' })
  const startService = async (name: string) => {
    const proc = await startTs(join(ROOT, 'services', name, 'src', 'main.ts'), { ...env(), LOG_LEVEL: 'info' }, /"msg":"ready"/)
    replicas.push({ name, proc })
  }
  const startGateway = async () => {
    const port = await freePort()
    const proc = await startTs(join(ROOT, 'gateway', 'src', 'server.ts'), { ...env(), LOG_LEVEL: 'info', PORT: String(port), T2S_API_KEYS: KEY, T2S_SERVICES: 'dataset,evaluator' }, /gateway listening/)
    gateways.push({ base: `http://127.0.0.1:${port}`, proc })
  }
  const call = async (gw: number, method: string, path: string, body?: object) => {
    const res = await fetch(`${gateways[gw].base}${path}`, { method, headers: HEADERS, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, body: await res.json() as any }
  }
  const jobOf = async (gw: number, id: string) => (await call(gw, 'GET', `/v1/jobs/${id}`)).body
  const finished = async (gw: number, id: string, timeoutMs = 240_000) => await waitFor(async () => {
    const job = await jobOf(gw, id).catch(() => null)
    return job && TERMINAL_STATUSES.includes(job.status) ? job : null
  }, timeoutMs, 250)

  before(async () => {
    cluster = await startNatsCluster(3)
    dataDir = mkdtempSync(join(tmpdir(), 't2s-chaos-'))
    buildDemo(join(dataDir, 'demo'))
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo', 'dev.json'), 'utf8')) as Array<Record<string, any>>
    questions = Array.from({ length: COPIES }, (_, k) => demo.map((q) => ({ ...q, db_id: String(q.db_id), question_id: null, question: `${q.question} (${k})`, SQL: `${q.SQL} -- copy ${k}` }))).flat()
    writeFileSync(join(dataDir, 'demo', 'many.json'), JSON.stringify(questions))
    // Two of each, started one after the other (2 cores: a burst would time start-ups out).
    for (const name of ['dataset', 'evaluator', 'dataset', 'evaluator']) await startService(name)
    await startGateway()
    await startGateway()
    const src = await call(0, 'POST', '/v1/sources', { name: 'many', questions: 'demo/many.json', databases: 'demo/dev_databases' })
    assert.equal(src.status, 201, JSON.stringify(src.body))
    assert.equal(src.body.question_count, questions.length)
  })
  after(async () => {
    for (const g of gateways) await g.proc.kill('SIGKILL')
    for (const r of replicas) await r.proc.kill('SIGKILL')
    await cluster?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test('the streams and the jobs KV are replicated 3 times across the cluster', async () => {
    const nc = await connect({ servers: cluster.url.split(',') })
    try {
      const jsm = await jetstreamManager(nc)
      for (const name of [WORK_STREAM, EVENTS_STREAM, `KV_${JOBS_BUCKET}`]) {
        const info = await jsm.streams.info(name)
        assert.equal(info.config.num_replicas, 3, name)
        assert.equal(1 + (info.cluster?.replicas?.length ?? 0), 3, `${name} has a leader and two replicas`)
      }
    } finally {
      await nc.close()
    }
  })

  test('SFT with gold screen and a predictions evaluation survive kill -9 of a NATS node, a replica of each service and a gateway', async () => {
    const predictions = Object.fromEntries(questions.map((q, i) => [String(i), `${[q.SQL, 'SELECT 1', SLOW][i % 3]}${SEP}${q.db_id}`]))
    const submitBoth = async (gw: number) => {
      const ds = await call(gw, 'POST', '/v1/datasets', { source: 'many', kind: 'sft' })
      assert.equal(ds.status, 202, JSON.stringify(ds.body))
      const ev = await call(gw, 'POST', '/v1/evaluations', { source: 'many', predictions, concurrency: 4 })
      assert.equal(ev.status, 202, JSON.stringify(ev.body))
      return { ds: ds.body as { id: string, job_id: string }, ev: ev.body as { id: string, job_id: string } }
    }

    // Disturbed first: the gold caches then hold nothing yet, so every gold runs mid-fault.
    const t0 = Date.now()
    const hit = await submitBoth(1)
    await waitFor(async () => {
      const [a, b] = [await jobOf(0, hit.ds.job_id), await jobOf(0, hit.ev.job_id)]
      return a.status === 'running' && (a.progress?.done ?? 0) > 0 && b.status === 'running' && (b.progress?.done ?? 0) > 0
    }, 120_000, 50)
    const progressAtKill = { sft: (await jobOf(0, hit.ds.job_id)).progress, eval: (await jobOf(0, hit.ev.job_id)).progress }
    const tKill = Date.now()
    await cluster.nodes[0].kill()
    await Promise.all([replicas[0].proc.kill('SIGKILL'), replicas[1].proc.kill('SIGKILL'), gateways[1].proc.kill('SIGKILL')])
    const [sftJob, evJob] = await Promise.all([finished(0, hit.ds.job_id), finished(0, hit.ev.job_id)])
    const tDone = Date.now()
    assert.equal(sftJob.status, 'succeeded', sftJob.error)
    assert.equal(evJob.status, 'succeeded', evJob.error)
    await cluster.nodes[0].restart()

    const t1 = Date.now()
    const calm = await submitBoth(0)
    const [sftCalm, evCalm] = await Promise.all([finished(0, calm.ds.job_id), finished(0, calm.ev.job_id)])
    const calmS = (Date.now() - t1) / 1000
    assert.equal(sftCalm.status, 'succeeded', sftCalm.error)
    assert.equal(evCalm.status, 'succeeded', evCalm.error)

    // SFT: the same files byte for byte, every question kept (the demo's golds all run).
    const [dsHit, dsCalm] = [(await call(0, 'GET', `/v1/datasets/${hit.ds.id}`)).body, (await call(0, 'GET', `/v1/datasets/${calm.ds.id}`)).body]
    assert.deepEqual(dsHit.files, dsCalm.files)
    assert.deepEqual(dsHit.counts, { questions: questions.length, kept: questions.length, dropped: 0, train: 560, test: 240 })
    assert.deepEqual(sftJob.result, { ...sftCalm.result, dataset_id: hit.ds.id })

    // Evaluation: each question scored exactly once, the same verdicts and scores.
    const items = async (id: string) => (await call(0, 'GET', `/v1/evaluations/${id}/items?limit=5000`)).body as { items: Array<{ index: number, status: string }>, total: number }
    const [itHit, itCalm] = [await items(hit.ev.id), await items(calm.ev.id)]
    assert.equal(itHit.total, questions.length)
    assert.deepEqual(itHit.items.map((it) => it.index), questions.map((_q, i) => i), 'every question once')
    assert.deepEqual(itHit.items.map((it) => it.status), itCalm.items.map((it) => it.status))
    assert.deepEqual(itHit.items.map((it) => it.status).filter((_s, i) => i % 3 === 0), Array(Math.ceil(questions.length / 3)).fill('correct'))
    const [repHit, repCalm] = [(await call(0, 'GET', `/v1/evaluations/${hit.ev.id}`)).body, (await call(0, 'GET', `/v1/evaluations/${calm.ev.id}`)).body]
    assert.deepEqual(repHit.ex, repCalm.ex)
    assert.deepEqual(repHit.statuses, repCalm.statuses)
    const db = new Database(join(dataDir, 'evaluator', 'state.db'), { readonly: true })
    let rows: { n: number, keys: number, redelivered: number }
    try {
      rows = db.prepare('SELECT count(*) AS n, count(DISTINCT item_key) AS keys, coalesce(sum(deliveries > 1), 0) AS redelivered FROM job_items WHERE job_id = ?').get(hit.ev.job_id) as typeof rows
      const planned = db.prepare('SELECT total FROM job_plans WHERE job_id = ?').pluck().get(hit.ev.job_id) as number
      assert.equal(rows.n, planned, 'every planned item committed')
      assert.equal(rows.keys, rows.n, 'none twice')
    } finally {
      db.close()
    }
    figure('sft+eval kill -9', {
      questions: questions.length,
      progress_at_kill: progressAtKill,
      disturbed_s: (tDone - t0) / 1000,
      after_kill_s: (tDone - tKill) / 1000,
      undisturbed_s: calmS,
      eval_items_redelivered: rows.redelivered,
      lost: 0,
      duplicated: 0
    })
  })
})
