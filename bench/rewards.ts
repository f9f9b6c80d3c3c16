/**
 * Reward API latency and throughput: batches of 64 items as a GRPO trainer sends them
 * (8 bird-sample dev questions × a group of 8 fenced completions: gold, a wrong result, an
 * error and a blank mixed), through the whole path (gateway → NATS → evaluator → sandbox).
 * The first pass over the questions runs their gold queries (cold cache); the timed batches
 * then run as a training run's steps would, one after another. Side by side, the same 64
 * answers scored as an evaluation job (POST, follow the job, read the report).
 *
 *   npx tsx bench/rewards.ts [batches]
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { sharedData } from '../test/helpers/shared-data.js'
import { AUTH, startStack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const BATCHES = Number(process.argv[2] ?? 40)
const G = 8
const PROMPTS = 8
const data = sharedData()
if (data === null) {
  console.error('needs ../shared/data with bird-sample (or T2S_SHARED_DATA)')
  process.exit(1)
}
const questions = JSON.parse(readFileSync(join(data, 'bird-sample', 'dev.json'), 'utf8')) as Array<{ question_id: number, SQL: string }>
const answer = (sql: string) => `Let me think step by step.\n\`\`\`sql\n${sql}\n\`\`\``
const group = (q: { SQL: string }) => [q.SQL, q.SQL, 'SELECT 1', `${q.SQL} LIMIT 1`, 'SELEC broken', '', q.SQL, 'SELECT count(*) FROM sqlite_master'].slice(0, G)

function batch (b: number) {
  const picked = Array.from({ length: PROMPTS }, (_x, k) => questions[(b * PROMPTS + k) % questions.length])
  return picked.flatMap((q) => group(q).map((sql) => ({ question_id: q.question_id, completion: answer(sql) })))
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p / 100 * xs.length) - 1)]

const stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data })
try {
  await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
  const post = async (items: object[]) => {
    const t = performance.now()
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/rewards', headers: AUTH, payload: { source: 'dev', items } })
    if (res.statusCode !== 200) throw new Error(res.body)
    return { ms: performance.now() - t, body: res.json() }
  }
  const cold: number[] = []
  for (let b = 0; b < BATCHES; b++) cold.push((await post(batch(b))).ms)
  const warm: number[] = []
  const t0 = performance.now()
  for (let b = 0; b < BATCHES; b++) warm.push((await post(batch(b))).ms)
  const warmItemsS = BATCHES * PROMPTS * G / ((performance.now() - t0) / 1000)

  // The same 64 answers as an evaluation job of a source holding just those questions.
  const items = batch(0)
  mkdirSync(join(stack.dataDir, 'one'))
  const qs = items.map((it) => questions.find((q) => q.question_id === it.question_id)!)
  writeFileSync(join(stack.dataDir, 'one', 'dev.json'), JSON.stringify(qs.map((q, i) => ({ ...q, question_id: i }))))
  await stack.registerSource('one', 'one/dev.json', join(data, 'bird-sample', 'dev_databases'))
  const evalMs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t = performance.now()
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'one', predictions: items.map((it, i) => ({ question_id: i, sql: it.completion.split('```sql\n')[1].split('\n```')[0] })) } })
    if (res.statusCode !== 202) throw new Error(res.body)
    const job = await stack.waitJob(res.json().job_id, 120_000)
    if (job.status !== 'succeeded') throw new Error(job.error)
    await stack.gateway.inject({ url: `/v1/evaluations/${res.json().id}`, headers: AUTH })
    evalMs.push(performance.now() - t)
  }
  const f = (ms: number) => `${ms.toFixed(0)} ms`
  console.log(`machine: ${machine()}; load average ${loadavg()[0].toFixed(1)}; ${new Date().toISOString()}`)
  console.log(`batches of ${PROMPTS * G} (${PROMPTS} questions × ${G} completions), ${BATCHES} per pass`)
  console.log(`cold gold cache: p50 ${f(pct(cold, 50))}, p99 ${f(pct(cold, 99))}`)
  console.log(`warm: p50 ${f(pct(warm, 50))}, p99 ${f(pct(warm, 99))}, ${warmItemsS.toFixed(0)} items/s`)
  console.log(`same 64 answers as an evaluation job (warm): p50 ${f(pct(evalMs, 50))} → reward API ${(pct(evalMs, 50) / pct(warm, 50)).toFixed(1)}× faster`)
} finally {
  await stack.stop()
}
