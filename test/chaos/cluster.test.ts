/**
 * The scale-out path of docs/operations.md, under faults: a real 3-node NATS cluster
 * (routes, clustered JetStream, streams and the jobs KV at R3 through T2S_NATS_REPLICAS),
 * two replicas of each CPU service sharing DATA_DIR, two gateways. Mid-job, one NATS node,
 * one replica of each service and one gateway are killed with SIGKILL; every job must
 * finish, every item exactly once, with outputs identical to an undisturbed run.
 * A training job (the scripted trainer, test/fake-trainer) and a served-model evaluation
 * whose student answers 503 and then hangs get the same schedule. Figures (recovery
 * seconds, items lost and doubled) are printed as `chaos-figures` lines and recorded in
 * docs/reliability.md.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { EVENTS_STREAM, WORK_STREAM, JOBS_BUCKET, TERMINAL_STATUSES } from '@t2s/core/contracts'
import { freePort } from '@t2s/core/util'
import { buildDemo } from '../../scripts/build-demo.js'
import { goldAnswer, messageText } from '../fake-openai/scripts.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { FAKE_PYTHON, writeFakeScript } from '../fake-trainer/index.js'
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

describe('chaos on a 3-node NATS cluster with two replicas of each service and two gateways', { timeout: 720_000 }, () => {
  let cluster: TestNatsCluster
  let fake: FakeOpenAI
  let dataDir: string
  const replicas: Replica[] = []
  const gateways: Array<{ base: string, proc: Proc }> = []
  let questions: Array<{ db_id: string, SQL: string, question: string }>
  let predictions: Record<string, string>
  // Verdicts of the undisturbed predictions and served evaluations, and the undisturbed SFT
  // dataset: the references of later faults.
  let calmVerdicts: string[] = []
  let calmServedVerdicts: string[] = []
  let sftDatasetId = ''

  const env = () => ({
    NATS_URL: cluster.url,
    DATA_DIR: dataDir,
    T2S_NATS_REPLICAS: '3',
    LOG_LEVEL: 'warn',
    EVAL_ACK_WAIT_S: '5',
    EVAL_ITEM_CONCURRENCY: '8',
    REASONING_ACK_WAIT_S: '5',
    TEACHER_BASE_URL: fake.url,
    TEACHER_MODEL: 'teacher',
    STUDENT_BASE_URL: fake.url,
    STUDENT_MODEL: 'student',
    T2S_TRAINER_PYTHON: FAKE_PYTHON,
    T2S_FAKE_TRAINER_SCRIPT: join(dataDir, 'fake-trainer.json'),
    T2S_TRAINER_ACK_WAIT_S: '3'
  })
  const startService = async (name: string) => {
    const proc = await startTs(join(ROOT, 'services', name, 'src', 'main.ts'), { ...env(), LOG_LEVEL: 'info' }, /"msg":"ready"/, 180_000)
    replicas.push({ name, proc })
  }
  const startGateway = async () => {
    const port = await freePort()
    const proc = await startTs(join(ROOT, 'gateway', 'src', 'server.ts'), { ...env(), LOG_LEVEL: 'info', PORT: String(port), T2S_API_KEYS: KEY, T2S_SERVICES: 'dataset,evaluator,reasoning,trainer' }, /gateway listening/, 180_000)
    gateways.push({ base: `http://127.0.0.1:${port}`, proc })
  }
  const call = async (gw: number, method: string, path: string, body?: object) => {
    const res = await fetch(`${gateways[gw].base}${path}`, { method, headers: HEADERS, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, body: await res.json() as any }
  }
  const accepted = async (gw: number, path: string, body: object) => {
    const r = await call(gw, 'POST', path, body)
    assert.equal(r.status, 202, JSON.stringify(r.body))
    return r.body as { id: string, job_id: string }
  }
  const items = async (id: string) => (await call(0, 'GET', `/v1/evaluations/${id}/items?limit=5000`)).body as { items: Array<{ index: number, status: string, error: string | null }>, total: number }
  // Exactly once in the services' own ledgers: every planned item committed, none twice.
  const ledger = (service: string, jobId: string) => {
    const db = new Database(join(dataDir, service, 'state.db'), { readonly: true })
    try {
      const rows = db.prepare('SELECT count(*) AS n, count(DISTINCT item_key) AS keys, coalesce(sum(deliveries > 1), 0) AS redelivered FROM job_items WHERE job_id = ?').get(jobId) as { n: number, keys: number, redelivered: number }
      const planned = db.prepare('SELECT total FROM job_plans WHERE job_id = ?').pluck().get(jobId) as number
      assert.equal(rows.n, planned, `${service}: every planned item committed`)
      assert.equal(rows.keys, rows.n, `${service}: none twice`)
      return rows.redelivered
    } finally {
      db.close()
    }
  }
  const jobOf = async (gw: number, id: string) => (await call(gw, 'GET', `/v1/jobs/${id}`)).body
  const finished = async (gw: number, id: string, timeoutMs = 240_000) => await waitFor(async () => {
    const job = await jobOf(gw, id).catch(() => null)
    return job && TERMINAL_STATUSES.includes(job.status) ? job : null
  }, timeoutMs, 250)

  before(async () => {
    cluster = await startNatsCluster(3)
    // The teacher answers each question with its gold SQL, the student with SELECT 1 (test/fake-openai).
    fake = await startFakeOpenAI({ models: ['teacher', 'student'], latencyMs: 20 })
    dataDir = mkdtempSync(join(tmpdir(), 't2s-chaos-'))
    buildDemo(join(dataDir, 'demo'))
    // 70 steps an epoch on the SFT dataset (560 train lines, global batch 8), 300 ms each.
    writeFakeScript(join(dataDir, 'fake-trainer.json'), { default: { step_ms: 300 } })
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo', 'dev.json'), 'utf8')) as Array<Record<string, any>>
    questions = Array.from({ length: COPIES }, (_, k) => demo.map((q) => ({ ...q, db_id: String(q.db_id), question_id: null, question: `${q.question} (${k})`, SQL: `${q.SQL} -- copy ${k}` }))).flat()
    writeFileSync(join(dataDir, 'demo', 'many.json'), JSON.stringify(questions))
    predictions = Object.fromEntries(questions.map((q, i) => [String(i), `${[q.SQL, 'SELECT 1', SLOW][i % 3]}${SEP}${q.db_id}`]))
    // Two of each, started one after the other (2 cores: a burst would time start-ups out).
    for (const name of ['dataset', 'evaluator', 'reasoning', 'dataset', 'evaluator', 'reasoning', 'trainer', 'trainer']) await startService(name)
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
    await fake?.close()
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

  test('SFT with gold screen, CoT, a predictions and a served-model evaluation survive kill -9 of a NATS node, a replica of each service and a gateway', async () => {
    const submitAll = async (gw: number) => ({
      ds: await accepted(gw, '/v1/datasets', { source: 'many', kind: 'sft' }),
      ev: await accepted(gw, '/v1/evaluations', { source: 'many', predictions, concurrency: 4 }),
      cot: await accepted(gw, '/v1/datasets', { source: 'many', kind: 'cot', concurrency: 8 }),
      served: await accepted(gw, '/v1/evaluations', { source: 'many', model: 'student', concurrency: 8 })
    })
    type Jobs = Awaited<ReturnType<typeof submitAll>>
    const allFinished = async (jobs: Jobs) => Object.fromEntries(await Promise.all(Object.entries(jobs).map(async ([k, v]) => [k, await finished(0, v.job_id)]))) as Record<keyof Jobs, any>

    // Disturbed first: the gold caches then hold nothing yet, so every gold runs mid-fault.
    const t0 = Date.now()
    const hit = await submitAll(1)
    // Mid-job: all four started and none finished (how far each got is recorded).
    await waitFor(async () => {
      const jobs = await Promise.all(Object.values(hit).map(async (j) => await jobOf(0, j.job_id)))
      return jobs.every((j) => j.status === 'running')
    }, 180_000, 50)
    const progressAtKill = Object.fromEntries(await Promise.all(Object.entries(hit).map(async ([k, j]) => [k, (await jobOf(0, j.job_id)).progress?.done ?? 0])))
    const tKill = Date.now()
    await cluster.nodes[0].kill()
    // The first replica of each service (dataset, evaluator, reasoning) and the gateway that took the jobs.
    await Promise.all([replicas[0].proc.kill('SIGKILL'), replicas[1].proc.kill('SIGKILL'), replicas[2].proc.kill('SIGKILL'), gateways[1].proc.kill('SIGKILL')])
    const done = await allFinished(hit)
    const tDone = Date.now()
    for (const [k, j] of Object.entries(done)) assert.equal(j.status, 'succeeded', `${k}: ${j.error}`)
    await cluster.nodes[0].restart()

    const t1 = Date.now()
    const calm = await submitAll(0)
    const calmDone = await allFinished(calm)
    const calmS = (Date.now() - t1) / 1000
    for (const [k, j] of Object.entries(calmDone)) assert.equal(j.status, 'succeeded', `${k}: ${j.error}`)
    const [sftJob, sftCalm] = [done.ds, calmDone.ds]

    // SFT: the same files byte for byte, every question kept (the demo's golds all run).
    const [dsHit, dsCalm] = [(await call(0, 'GET', `/v1/datasets/${hit.ds.id}`)).body, (await call(0, 'GET', `/v1/datasets/${calm.ds.id}`)).body]
    assert.deepEqual(dsHit.files, dsCalm.files)
    assert.deepEqual(dsHit.counts, { questions: questions.length, kept: questions.length, dropped: 0, train: 560, test: 240 })
    assert.deepEqual(sftJob.result, { ...sftCalm.result, dataset_id: hit.ds.id })

    sftDatasetId = calm.ds.id
    // Evaluation: each question scored exactly once, the same verdicts and scores.
    for (const kind of ['ev', 'served'] as const) {
      const [itHit, itCalm] = [await items(hit[kind].id), await items(calm[kind].id)]
      if (kind === 'ev') calmVerdicts = itCalm.items.map((it) => it.status)
      else calmServedVerdicts = itCalm.items.map((it) => it.status)
      assert.equal(itHit.total, questions.length, kind)
      assert.deepEqual(itHit.items.map((it) => it.index), questions.map((_q, i) => i), `${kind}: every question once`)
      assert.deepEqual(itHit.items.map((it) => it.status), itCalm.items.map((it) => it.status), kind)
      const [repHit, repCalm] = [(await call(0, 'GET', `/v1/evaluations/${hit[kind].id}`)).body, (await call(0, 'GET', `/v1/evaluations/${calm[kind].id}`)).body]
      assert.deepEqual(repHit.ex, repCalm.ex, kind)
      assert.deepEqual(repHit.statuses, repCalm.statuses, kind)
    }
    assert.deepEqual((await items(hit.ev.id)).items.map((it) => it.status).filter((_s, i) => i % 3 === 0), Array(Math.ceil(questions.length / 3)).fill('correct'))

    // CoT: the teacher gives each gold back, so every question is kept, in the same files.
    const [cotHit, cotCalm] = [(await call(0, 'GET', `/v1/datasets/${hit.cot.id}`)).body, (await call(0, 'GET', `/v1/datasets/${calm.cot.id}`)).body]
    assert.deepEqual(cotHit.files, cotCalm.files)
    assert.equal(cotHit.counts.dropped, 0, JSON.stringify(cotHit.counts))
    assert.equal(cotHit.counts.train + cotHit.counts.test, questions.length)

    const redelivered = { eval: ledger('evaluator', hit.ev.job_id), served: ledger('evaluator', hit.served.job_id), cot: ledger('reasoning', hit.cot.job_id) }
    figure('four jobs, kill -9', {
      questions: questions.length,
      progress_at_kill: progressAtKill,
      disturbed_s: (tDone - t0) / 1000,
      after_kill_s: (tDone - tKill) / 1000,
      undisturbed_s: calmS,
      items_redelivered: redelivered,
      lost: 0,
      duplicated: 0
    })
  })
  test('a training job and a served-model evaluation whose student answers 503 and then hangs survive kill -9 of a NATS node, the trainer replica running the job and a gateway', async () => {
    assert.ok(sftDatasetId !== '' && calmServedVerdicts.length === questions.length, 'runs after the four-jobs test')
    const training = { dataset: sftDatasetId, base_model: 'chaos-model', hyperparameters: { num_epochs: 1, save_steps: 10 } }
    // A gateway to kill (the four-jobs test killed the second one).
    await startGateway()
    const gw = gateways.length - 1
    // A slower student (same answers): on a fast machine the evaluation must still be under
    // way when the training run reaches its first checkpoint.
    fake.setAnswer((req) => req.model === 'student' ? { delayMs: 50 } : goldAnswer(req))
    const t0 = Date.now()
    const tj = await accepted(gw, '/v1/training-jobs', { ...training, adapter_name: 'chaos-hit' })
    const served = await accepted(gw, '/v1/evaluations', { source: 'many', model: 'student', concurrency: 8, request_timeout_s: 2 })
    const trainingOf = async (id: string) => (await call(0, 'GET', `/v1/training-jobs/${id}`)).body
    // Mid-job: the run has saved a checkpoint, the evaluation has scored some questions.
    await waitFor(async () => (await trainingOf(tj.id)).progress.step >= 12 && (await jobOf(0, served.job_id)).progress.done >= 40, 180_000, 100)
    const atFault = { training_step: (await trainingOf(tj.id)).progress.step, served_done: (await jobOf(0, served.job_id)).progress.done }

    // The student fails: 503 for 4 s (inside the client's ~7.5 s of retries, so these are
    // answered in the end), then every call hangs for 3 s (each runs into the 2 s request
    // timeout, which is not retried, and is scored llm_error).
    const hung = new Set<string>()
    let failing503 = true
    fake.setAnswer((req) => {
      if (req.model !== 'student') return goldAnswer(req)
      if (failing503) return { status: 503 }
      hung.add(messageText(req.messages.at(-1)!).split('-- Question: ').at(-1)!)
      return { hang: true }
    })
    const trainerPid = JSON.parse(readFileSync(join(dataDir, 'trainer', 'runs', tj.id, 'trainer.pid'), 'utf8')).pid as number
    const servicePid = Number(readFileSync(`/proc/${trainerPid}/stat`, 'utf8').split(') ')[1].split(' ')[1])
    const runner = replicas.find((r) => r.name === 'trainer' && r.proc.child.pid === servicePid)
    assert.ok(runner, `the trainer ${trainerPid} runs under a trainer replica (parent ${servicePid})`)
    const tKill = Date.now()
    await Promise.all([cluster.nodes[1].kill(), runner.proc.kill('SIGKILL'), gateways[gw].proc.kill('SIGKILL')])
    await new Promise((resolve) => setTimeout(resolve, 4000 - (Date.now() - tKill)))
    failing503 = false
    await new Promise((resolve) => setTimeout(resolve, 3000))
    fake.setAnswer(goldAnswer)
    await cluster.nodes[1].restart()
    const [tjDone, servedDone] = [await finished(0, tj.job_id), await finished(0, served.job_id)]
    const tDone = Date.now()
    assert.equal(tjDone.status, 'succeeded', tjDone.error)
    assert.equal(servedDone.status, 'succeeded', servedDone.error)

    // Training: one run, resumed once from its checkpoint; the same loss at each step, once,
    // and the same artifacts as an undisturbed run of the same job.
    const t1 = Date.now()
    const calmTj = await accepted(0, '/v1/training-jobs', { ...training, adapter_name: 'chaos-calm' })
    assert.equal((await finished(0, calmTj.job_id)).status, 'succeeded')
    const calmS = (Date.now() - t1) / 1000
    const [hitRun, calmRun] = [await trainingOf(tj.id), await trainingOf(calmTj.id)]
    assert.equal(hitRun.run.attempts, 2, JSON.stringify(hitRun.run))
    assert.equal(calmRun.run.attempts, 1)
    // The orphaned trainer goes on until the replica that takes over stops it (it then checkpoints
    // where it stands), so the resume point is any step from the checkpoint at 10 on; the steps it
    // logged meanwhile are recorded from its events file.
    assert.ok(hitRun.run.resumed_from_step >= 10, String(hitRun.run.resumed_from_step))
    const steps = (run: any) => run.loss.map((p: { step: number, loss: number }) => [p.step, p.loss])
    assert.deepEqual(steps(hitRun).map(([step]: number[]) => step), Array.from({ length: 70 }, (_v, i) => i + 1), 'each step once')
    assert.deepEqual(steps(hitRun), steps(calmRun))
    assert.deepEqual(hitRun.progress, calmRun.progress)
    const weights = (run: any) => Object.fromEntries(['adapter_config.json', 'adapter_model.safetensors', 'manifest.json'].map((f) => [f, run.artifacts.files[f]]))
    assert.ok(weights(calmRun)['adapter_model.safetensors'].sha256)
    assert.deepEqual(weights(hitRun), weights(calmRun))
    assert.equal(fake.adapters.get('chaos-hit'), join(dataDir, 'artifacts/adapters/chaos-hit'))
    // Finished exactly once: one terminal status in the job's event stream.
    const events = await (await fetch(`${gateways[0].base}/v1/jobs/${tj.job_id}/events`, { headers: HEADERS, signal: AbortSignal.timeout(60_000) })).text()
    assert.equal(events.match(/"status":"succeeded"/g)?.length, 1, events.slice(-2000))

    // Served evaluation: every question once. The 503s were ridden out; a question the
    // student hung on is llm_error with the timeout as its reason; every other verdict is the
    // undisturbed run's.
    const rows = (await items(served.id)).items
    assert.deepEqual(rows.map((it) => it.index), questions.map((_q, i) => i), 'every question once')
    const changed = rows.filter((it) => it.status !== calmServedVerdicts[it.index])
    assert.ok(hung.size > 0 && changed.length > 0, `the hang reached the evaluation (${hung.size} hung, ${changed.length} changed)`)
    for (const it of changed) {
      assert.equal(it.status, 'llm_error', `question ${it.index}`)
      assert.match(it.error ?? '', /timeout/i, `question ${it.index}`)
      assert.ok(hung.has(questions[it.index].question), `question ${it.index} was hung on`)
    }
    assert.ok((fake.stats().byStatus['503'] ?? 0) > 0)
    figure('training and failing student, kill -9', {
      steps: 70,
      questions: questions.length,
      at_fault: atFault,
      resumed_from_step: hitRun.run.resumed_from_step,
      student_503s: fake.stats().byStatus['503'],
      student_hung: hung.size,
      llm_error: changed.length,
      after_kill_s: (tDone - tKill) / 1000,
      disturbed_s: (tDone - t0) / 1000,
      undisturbed_training_s: calmS,
      items_redelivered: ledger('evaluator', served.job_id),
      lost: 0,
      duplicated: 0
    })
  })
  test('a 60 s outage of the whole NATS cluster mid-evaluation: the job resumes and finishes with the same verdicts', async () => {
    assert.equal(calmVerdicts.length, questions.length, 'runs after the kill -9 test')
    const limit = 240
    const r = await call(0, 'POST', '/v1/evaluations', { source: 'many', predictions: Object.fromEntries(Object.entries(predictions).slice(0, limit)), limit, concurrency: 2 })
    assert.equal(r.status, 202, JSON.stringify(r.body))
    await waitFor(async () => { const j = await jobOf(0, r.body.job_id); return j.status === 'running' && (j.progress?.done ?? 0) > 0 }, 120_000, 50)
    const atOutage = (await jobOf(0, r.body.job_id)).progress.done
    for (const n of cluster.nodes) await n.kill()
    await new Promise((resolve) => setTimeout(resolve, 60_000))
    const tBack = Date.now()
    await Promise.all(cluster.nodes.map(async (n) => await n.restart()))
    const job = await finished(0, r.body.job_id, 240_000)
    const afterS = (Date.now() - tBack) / 1000
    assert.equal(job.status, 'succeeded', job.error)
    const got = (await call(0, 'GET', `/v1/evaluations/${r.body.id}/items?limit=5000`)).body as { items: Array<{ index: number, status: string }>, total: number }
    assert.deepEqual(got.items.map((it) => it.index), Array.from({ length: limit }, (_, i) => i), 'every question once')
    assert.deepEqual(got.items.map((it) => it.status), calmVerdicts.slice(0, limit))
    figure('60 s cluster outage', { questions: limit, done_at_outage: atOutage, finished_after_restart_s: afterS, lost: 0, duplicated: 0 })
  })
})
