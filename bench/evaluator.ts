/**
 * Evaluator throughput, each figure measured in one run on this machine:
 *
 * (a) the 714 bird-sample dev gold queries sent as predictions through the whole API
 *     (gateway → NATS → evaluator fan-out → sandbox → SQLite), cold gold cache, then the same
 *     request again (gold results cached), against the official BIRD scorer (evaluation_ex.py
 *     of bird-bench/mini_dev, from ../shared/tools/bird-official-eval, run as its
 *     run_evaluation.sh runs it, on a copy of the databases) with num_cpus 16 and 2, taking
 *     turns with ours, ROUNDS times each (median), and one plain better-sqlite3 loop that does
 *     what the official scorer does per question: run prediction and gold, compare as sets;
 * (b) a served-model evaluation of the same 714 questions against the fake OpenAI server
 *     answering after 200 ms, at concurrency 8, 32 and 64: questions/s against the ideal
 *     concurrency / latency.
 *
 *   npx tsx bench/evaluator.ts [a|b|all]
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { createLlmClient } from '@t2s/core/llm'
import { sameResultSet, prepareLikePython } from '@t2s/core/sql'
import { messageText } from '../test/fake-openai/scripts.js'
import { startFakeOpenAI, type FakeOpenAI } from '../test/fake-openai/server.js'
import { sharedData } from '../test/helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const which = process.argv[2] ?? 'all'
const data = sharedData()
if (data === null) {
  console.error('needs ../shared/data with bird-sample (or T2S_SHARED_DATA)')
  process.exit(1)
}
const devJson = join(data, 'bird-sample', 'dev.json')
const dbRoot = join(data, 'bird-sample', 'dev_databases')
const questions = JSON.parse(readFileSync(devJson, 'utf8')) as Array<{ db_id: string, SQL: string, question: string }>
const SEP = '\t----- bird -----\t'
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const OFFICIAL = join(data, '..', 'tools', 'bird-official-eval')

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * The official scorer's inputs in a private folder, with a copy of the databases (it opens
 * them read-write); returns a function timing one run of it, process start to exit.
 */
function officialScorer (): { run: (cpus: number) => number, cleanup: () => void } | null {
  if (!existsSync(join(OFFICIAL, 'evaluation_ex.py'))) return null
  const dir = mkdtempSync(join(tmpdir(), 't2s-official-'))
  cpSync(dbRoot, join(dir, 'db'), { recursive: true })
  writeFileSync(join(dir, 'pred.json'), JSON.stringify(Object.fromEntries(questions.map((q, i) => [String(i), `${q.SQL}${SEP}${q.db_id}`]))))
  writeFileSync(join(dir, 'gold.sql'), questions.map((q) => `${q.SQL.replace(/\s*\n\s*/g, ' ')}\t${q.db_id}`).join('\n') + '\n')
  writeFileSync(join(dir, 'diff.jsonl'), questions.map((q) => JSON.stringify({ difficulty: (q as { difficulty?: string }).difficulty ?? 'simple' })).join('\n') + '\n')
  const run = (cpus: number): number => {
    const start = performance.now()
    const r = spawnSync('python3', ['-u', join(OFFICIAL, 'evaluation_ex.py'), '--db_root_path', `${join(dir, 'db')}/`, '--predicted_sql_path', join(dir, 'pred.json'),
      '--ground_truth_path', join(dir, 'gold.sql'), '--num_cpus', String(cpus), '--meta_time_out', '30', '--diff_json_path', join(dir, 'diff.jsonl'),
      '--output_log_path', '/dev/null', '--sql_dialect', 'SQLite'], { env: { ...process.env, PYTHONPATH: join(OFFICIAL, 'shim') }, encoding: 'utf8' })
    const ms = performance.now() - start
    if (r.status !== 0 || !/100\.00/.test(r.stdout)) throw new Error(`official scorer: ${r.status} ${r.stdout} ${r.stderr}`)
    return ms
  }
  return { run, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** POST to the job's finished_at (the worker's clock, this machine's): the poll's own period adds nothing. */
async function evaluate (stack: Stack, payload: object): Promise<{ ms: number, report: any }> {
  const start = Date.now()
  const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload })
  if (res.statusCode !== 202) throw new Error(res.body)
  const { id, job_id: jobId } = res.json()
  const job = await stack.waitJob(jobId, 600_000)
  if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`)
  const report = (await stack.gateway.inject({ url: `/v1/evaluations/${id}`, headers: AUTH })).json()
  return { ms: Date.parse(job.finished_at!) - start, report }
}

/** What the official scorer does per question, in one loop: run both, compare as sets. */
function plainLoop (): number {
  const connections = new Map<string, Database.Database>()
  const start = performance.now()
  let correct = 0
  for (const q of questions) {
    const path = join(dbRoot, q.db_id, `${q.db_id}.sqlite`)
    let db = connections.get(path)
    if (db === undefined) connections.set(path, db = new Database(path, { readonly: true, fileMustExist: true }))
    const pred = prepareLikePython(db, q.SQL).stmt.raw().all() as never[][]
    const gold = prepareLikePython(db, q.SQL).stmt.raw().all() as never[][]
    if (sameResultSet(pred, gold)) correct++
  }
  const ms = performance.now() - start
  for (const db of connections.values()) db.close()
  if (correct !== questions.length) throw new Error(`plain loop: ${correct} correct`)
  return ms
}

async function benchA (): Promise<void> {
  const stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data!, LOG_LEVEL: 'warn' })
  try {
    await stack.registerSource('dev', devJson, dbRoot)
    const predictions = Object.fromEntries(questions.map((q, i) => [String(i), `${q.SQL}${SEP}${q.db_id}`]))
    plainLoop()
    const plain = Math.min(plainLoop(), plainLoop(), plainLoop())
    const cold = await evaluate(stack, { source: 'dev', predictions })
    const official = officialScorer()
    const ours: number[] = [cold.ms]
    const theirs: Record<number, number[]> = { 16: [], 2: [] }
    try {
      // Taking turns, so a change of machine load touches both sides alike.
      for (let i = 0; i < ROUNDS; i++) {
        if (official !== null) for (const cpus of [16, 2]) theirs[cpus].push(official.run(cpus))
        if (i > 0) ours.push((await evaluate(stack, { source: 'dev', predictions })).ms)
      }
    } finally {
      official?.cleanup()
    }
    const warm = await evaluate(stack, { source: 'dev', predictions })
    // Blank predictions run no SQL at all (gold cached): what the job pipeline costs alone.
    const blank = await evaluate(stack, { source: 'dev', predictions: Object.fromEntries(questions.map((_q, i) => [String(i), null])) })
    if (cold.report.ex.total !== 100 || warm.report.ex.total !== 100) throw new Error('gold as predictions did not score 100')
    console.log('\n(a) 714 gold queries as predictions')
    console.log('| run | wall ms | vs plain loop | gold cache hits |')
    console.log('|---|---|---|---|')
    console.log(`| plain better-sqlite3 loop (pred + gold + set compare, best of 3) | ${plain.toFixed(0)} | 1.00x | – |`)
    console.log(`| API, cold gold cache | ${cold.ms.toFixed(0)} | ${(cold.ms / plain).toFixed(2)}x | ${cold.report.gold_cache_hits} |`)
    console.log(`| API, second run (gold cached) | ${warm.ms.toFixed(0)} | ${(warm.ms / plain).toFixed(2)}x | ${warm.report.gold_cache_hits} |`)
    console.log(`| API, blank predictions (no SQL run: the job pipeline alone) | ${blank.ms.toFixed(0)} | ${(blank.ms / plain).toFixed(2)}x | ${blank.report.gold_cache_hits} |`)
    console.log(`second run ${(cold.ms / warm.ms).toFixed(2)}x faster than the first`)
    if (official !== null) {
      const o16 = median(theirs[16])
      console.log(`\n(a') side by side, ${ROUNDS} rounds taking turns (ms; median, with every run)`)
      console.log('| scorer | median ms | runs | vs official num_cpus 16 |')
      console.log('|---|---|---|---|')
      console.log(`| t2s API (first run cold, then gold cached) | ${median(ours).toFixed(0)} | ${ours.map((x) => x.toFixed(0)).join(', ')} | ${(median(ours) / o16).toFixed(2)}x |`)
      for (const cpus of [16, 2]) console.log(`| official evaluation_ex.py, num_cpus ${cpus} | ${median(theirs[cpus]).toFixed(0)} | ${theirs[cpus].map((x) => x.toFixed(0)).join(', ')} | ${(median(theirs[cpus]) / o16).toFixed(2)}x |`)
    }
  } finally {
    await stack.stop()
  }
}

/** The same number of requests from one bare LLM client in this process: the ceiling of client + fake here. */
async function bareClient (fake: FakeOpenAI, concurrency: number): Promise<number> {
  const client = createLlmClient({ name: 'bare', baseUrl: fake.url, model: 'student', concurrency })
  const prompt = 'x'.repeat(3000) + '\n-- Question: ' + questions[0].question
  let next = 0
  const start = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < questions.length) {
      next++
      await client.chat({ messages: [{ role: 'user', content: prompt }], temperature: 0 })
    }
  }))
  return questions.length / ((performance.now() - start) / 1000)
}

async function benchB (): Promise<void> {
  const goldOf = new Map(questions.map((q) => [q.question, q.SQL]))
  const fake: FakeOpenAI = await startFakeOpenAI({
    latencyMs: 200,
    models: ['student'],
    answer: ({ messages }) => {
      const user = messageText(messages.at(-1)!)
      const question = user.slice(user.lastIndexOf('-- Question: ') + 13)
      return '```sql\n' + (goldOf.get(question) ?? 'SELECT 1') + '\n```'
    }
  })
  const stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data!, LOG_LEVEL: 'warn', STUDENT_BASE_URL: fake.url })
  try {
    await stack.registerSource('dev', devJson, dbRoot)
    console.log('\n(b) served model, fake server at 200 ms per answer, 714 questions')
    console.log('| concurrency | wall s | questions/s | ideal (c / 0.2 s) | share of ideal | item ms p50 / p95 | EX | bare client + fake, requests/s |')
    console.log('|---|---|---|---|---|---|---|---|')
    for (const concurrency of [8, 32, 64]) {
      const bare = await bareClient(fake, concurrency)
      const { report } = await evaluate(stack, { source: 'dev', model: 'student', concurrency })
      const qps = report.timing.questions_per_s as number
      const ideal = concurrency / 0.2
      console.log(`| ${concurrency} | ${report.timing.wall_s.toFixed(2)} | ${qps.toFixed(1)} | ${ideal} | ${(100 * qps / ideal).toFixed(1)} % | ${report.timing.latency_ms_p50.toFixed(0)} / ${report.timing.latency_ms_p95.toFixed(0)} | ${report.ex.total.toFixed(2)} | ${bare.toFixed(1)} (${(100 * bare / ideal).toFixed(1)} %) |`)
    }
  } finally {
    await stack.stop()
    await fake.close()
  }
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ')
console.log(`machine: ${machine()}; load average before: ${load()}`)
if (which === 'a' || which === 'all') await benchA()
if (which === 'b' || which === 'all') await benchB()
console.log(`load average after: ${load()}`)
