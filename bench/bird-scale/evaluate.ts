/**
 * t2s against the official BIRD scorer on the generated BIRD-scale databases, side by side in
 * one run: the 1,534 real dev gold queries as predictions, and a hard-case file (errors, wrong
 * results, runaway queries, stacked statements, a write, set-equal rewrites) on a subset of the
 * questions. For each: wall time, peak resident memory of each side's process tree, and the
 * verdicts compared item by item. The official scorer (../shared/tools/bird-official-eval, run
 * unchanged through official-driver.py, which only reads back its per-question verdicts) gets a
 * copy of the databases, since it opens them read-write; the sha256 of the generated files is
 * checked before and after.
 *
 * The gold run takes `--rounds` turns (default 3), each with a fresh stack (cold gold cache)
 * and the official scorer's runs, t2s first in odd rounds and last in even ones; the medians
 * and their ratio are what counts on a shared machine, where single runs vary by 2x.
 *
 * `--variants` runs several t2s configurations in the same rounds, each on its own fresh stack,
 * e.g. 'now:EVAL_SANDBOX_NICENESS=0;before:EVAL_SANDBOX_OVERFLOW=0'.
 *
 *   npx tsx bench/bird-scale/evaluate.ts [--runs gold,hard] [--rounds 3] [--num-cpus 16,2] [--timeout-s 30] [--hard-timeout-s 5] [--cached] [--variants …]
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { sharedDataDir } from '../../test/helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { machine } from '../machine.js'
import { BIRD_DIR, DB_ROOT, OUT, devQuestions, digests, requireDatabases, rssPeak, sameDigests, type DevQuestion } from './common.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: 'gold,hard' },
    'num-cpus': { type: 'string', default: '16,2' },
    'timeout-s': { type: 'string', default: '30' },
    'hard-timeout-s': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    cached: { type: 'boolean', default: false },
    // t2s configurations to run side by side, ';'-separated, each 'name:VAR=value,VAR=value' (or 'default').
    variants: { type: 'string', default: 'default' }
  }
})
requireDatabases()
const OFFICIAL = resolve(sharedDataDir(), '..', 'tools', 'bird-official-eval')
const SEP = '\t----- bird -----\t'
const WORK = join(OUT, 'side-by-side')
const all = devQuestions()
const dbIds = [...new Set(all.map((q) => q.db_id))].sort()
const numCpus = values['num-cpus']!.split(',')
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`

/** The hard cases: every 15th question gets one, by turns. */
const HARD_KINDS: Array<[string, (q: DevQuestion, table: string) => string]> = [
  ['error: no such column', (_q, t) => `SELECT no_such_column FROM ${t}`],
  ['error: syntax', (q) => q.SQL.replace(/^\s*SELECT/i, 'SELEC')],
  ['wrong: empty result', (q) => `SELECT * FROM (${q.SQL}) WHERE 0`],
  ['wrong: other columns', () => 'SELECT 1'],
  ['runaway (times out)', () => 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) SELECT max(x) FROM c'],
  ['stacked statements', (q) => `${q.SQL}; SELECT 1`],
  ['write (DELETE … WHERE 0)', (_q, t) => `DELETE FROM ${t} WHERE 0`],
  ['right: DISTINCT rewrite', (q) => `SELECT DISTINCT * FROM (${q.SQL})`],
  ['right: duplicated rows', (q) => `SELECT * FROM (${q.SQL}) UNION ALL SELECT * FROM (${q.SQL})`]
]

function firstTable (q: DevQuestion): string {
  return /\bFROM\s+(`[^`]+`|\w+)/i.exec(q.SQL)?.[1] ?? 'sqlite_master'
}

interface Side { ms: number, peak: number, verdicts: number[], timedOut?: Set<number> }

async function official (name: string, questions: DevQuestion[], preds: string[], timeoutS: number, numCpus: string): Promise<Side> {
  const dir = join(WORK, `${name}-cpus${numCpus}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'pred.json'), JSON.stringify(Object.fromEntries(preds.map((p, i) => [String(i), `${p}${SEP}${questions[i].db_id}`]))))
  writeFileSync(join(dir, 'gold.sql'), questions.map((q) => `${q.SQL}\t${q.db_id}`).join('\n') + '\n')
  writeFileSync(join(dir, 'diff.jsonl'), questions.map((q) => JSON.stringify({ difficulty: q.difficulty })).join('\n') + '\n')
  const verdicts = join(dir, 'official-verdicts.json')
  const timeouts = join(dir, 'official-timeouts.jsonl')
  rmSync(timeouts, { force: true })
  const args = [join(import.meta.dirname, 'official-driver.py'), verdicts, timeouts, join(OFFICIAL, 'evaluation_ex.py'),
    '--db_root_path', join(WORK, 'official-db-copy') + '/', '--predicted_sql_path', join(dir, 'pred.json'),
    '--ground_truth_path', join(dir, 'gold.sql'), '--num_cpus', numCpus, '--meta_time_out', String(timeoutS),
    '--diff_json_path', join(dir, 'diff.jsonl'), '--output_log_path', '/dev/null', '--sql_dialect', 'SQLite']
  const start = performance.now()
  const child = spawn('python3', ['-u', ...args], { env: { ...process.env, PYTHONPATH: `${OFFICIAL}:${join(OFFICIAL, 'shim')}` }, stdio: ['ignore', 'pipe', 'inherit'] })
  const sampler = rssPeak(() => [child.pid!])
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  const [code] = await once(child, 'exit') as [number]
  const ms = performance.now() - start
  const peak = sampler.stop()
  if (code !== 0) throw new Error(`official scorer exited ${code}:\n${out}`)
  // Which questions timed out: the calls are known by (prediction, database file).
  const timedOut = new Set<number>()
  const lines = existsSync(timeouts) ? readFileSync(timeouts, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sql: string, db: string }) : []
  for (const t of lines) preds.forEach((p, i) => { if (p === t.sql && t.db.endsWith(`/${questions[i].db_id}.sqlite`)) timedOut.add(i) })
  return { ms, peak, verdicts: JSON.parse(readFileSync(verdicts, 'utf8')) as number[], timedOut }
}

async function t2s (stack: Stack, source: string, questions: DevQuestion[], preds: string[], timeoutS: number): Promise<Side & { statuses: Record<string, number>, items: any[] }> {
  const predictions = Object.fromEntries(preds.map((p, i) => [String(i), `${p}${SEP}${questions[i].db_id}`]))
  const sampler = rssPeak(() => [process.pid])
  const start = Date.now()
  const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source, predictions, timeout_s: timeoutS } })
  if (res.statusCode !== 202) throw new Error(res.body)
  const { id, job_id: jobId } = res.json()
  const job = await stack.waitJob(jobId, 3_600_000)
  const peak = sampler.stop()
  if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`)
  const report = (await stack.gateway.inject({ url: `/v1/evaluations/${id}`, headers: AUTH })).json()
  const items = (await stack.gateway.inject({ url: `/v1/evaluations/${id}/items?limit=5000`, headers: AUTH })).json().items as any[]
  return { ms: Date.parse(job.finished_at) - start, peak, verdicts: items.map((it) => (it.correct === true ? 1 : 0)), statuses: report.statuses, items }
}

function compare (label: string, questions: DevQuestion[], off: Side, ours: Side & { items: any[] }, kinds?: string[]): string[] {
  const lines: string[] = []
  const diff = off.verdicts.map((v, i) => (v === ours.verdicts[i] ? -1 : i)).filter((i) => i >= 0)
  lines.push(`| ${label} | ${questions.length} | ${(off.ms / 1000).toFixed(2)} s | ${(ours.ms / 1000).toFixed(2)} s | ${(ours.ms / off.ms).toFixed(2)}x | ${mib(off.peak)} | ${mib(ours.peak)} | ${off.verdicts.reduce((a, b) => a + b, 0)} / ${ours.verdicts.reduce((a, b) => a + b, 0)} | ${questions.length - diff.length} of ${questions.length} |`)
  const timedOut = off.timedOut ?? new Set<number>()
  lines.push(`  official scorer timeouts: ${timedOut.size}; differing items where it timed out: ${diff.filter((i) => timedOut.has(i)).length} of ${diff.length}`)
  for (const i of diff) lines.push(`  differs: #${i} ${questions[i].db_id}${kinds ? ` (${kinds[i]})` : ''}: official ${off.verdicts[i]}${timedOut.has(i) ? ' (timeout)' : ''}, t2s ${ours.verdicts[i]} ${ours.items[i].status}${ours.items[i].error ? ': ' + String(ours.items[i].error).slice(0, 120) : ''}`)
  return lines
}

console.log(`machine: ${machine()}; load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
const before = digests()
rmSync(WORK, { recursive: true, force: true })
for (const id of dbIds) {
  mkdirSync(join(WORK, 'official-db-copy', id), { recursive: true })
  copyFileSync(join(DB_ROOT, id, `${id}.sqlite`), join(WORK, 'official-db-copy', id, `${id}.sqlite`))
}
const copyBefore = digests(join(WORK, 'official-db-copy'))
// The hard-case subset as its own source (same databases, fewer questions).
const hardQuestions = all.filter((_q, i) => i % 15 === 0)
const hardKinds = hardQuestions.map((_q, i) => HARD_KINDS[i % HARD_KINDS.length][0])
const hardPreds = hardQuestions.map((q, i) => HARD_KINDS[i % HARD_KINDS.length][1](q, firstTable(q)))
mkdirSync(join(WORK, 'hard'), { recursive: true })
writeFileSync(join(WORK, 'hard', 'dev.json'), JSON.stringify(hardQuestions, null, 1))
writeFileSync(join(WORK, 'hard', 'hard-cases.json'), JSON.stringify(hardQuestions.map((q, i) => ({ question_id: q.question_id, kind: hardKinds[i], sql: hardPreds[i] })), null, 1))

const variants = values.variants!.split(';').map((v) => {
  const [name, vars = ''] = v.split(':')
  return { name, env: Object.fromEntries(vars.split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string])) }
})
const freshStack = async (env: Record<string, string> = variants[0].env): Promise<Stack> => {
  const s = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: `${sharedDataDir()},${OUT}`, LOG_LEVEL: 'warn', ...env })
  await s.registerSource('bird-scale-dev', join(BIRD_DIR, 'dev.json'), DB_ROOT)
  await s.registerSource('bird-scale-hard', join(WORK, 'hard', 'dev.json'), DB_ROOT)
  return s
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ')
let stack = await freshStack()
const table = ['| run | questions | official scorer | t2s | t2s / official | official peak RSS | t2s peak RSS | correct (official / t2s) | verdicts equal |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
const notes: string[] = []
try {
  const runs = values.runs!.split(',')
  if (runs.includes('gold')) {
    const timeoutS = Number(values['timeout-s'])
    const preds = all.map((q) => q.SQL)
    const rounds = Number(values.rounds)
    const times: Record<string, number[]> = { ...Object.fromEntries(variants.map((v) => [v.name, []])), ...Object.fromEntries(numCpus.map((c) => [`official ${c}`, []])) }
    const roundLines: string[] = []
    for (let r = 1; r <= rounds; r++) {
      const loadBefore = load()
      const offs: Record<string, Side> = {}
      const runOfficial = async () => { for (const cpus of numCpus) offs[cpus] = await official('gold', all, preds, timeoutS, cpus) }
      if (r % 2 === 0) await runOfficial()
      const ours: Record<string, Awaited<ReturnType<typeof t2s>>> = {}
      for (const v of r % 2 === 0 ? [...variants].reverse() : variants) {
        await stack.stop()
        stack = await freshStack(v.env)
        ours[v.name] = await t2s(stack, 'bird-scale-dev', all, preds, timeoutS)
        times[v.name].push(ours[v.name].ms)
        if (r === 1 && values.cached === true) {
          const again = await t2s(stack, 'bird-scale-dev', all, preds, timeoutS)
          notes.push(`gold run, t2s ${v.name} again with gold results cached: ${(again.ms / 1000).toFixed(2)} s; verdicts equal to the first: ${again.verdicts.every((x, i) => x === ours[v.name].verdicts[i])}`)
        }
      }
      if (r % 2 === 1) await runOfficial()
      for (const cpus of numCpus) {
        times[`official ${cpus}`].push(offs[cpus].ms)
        for (const v of variants) {
          const mine = ours[v.name]
          const equal = offs[cpus].verdicts.filter((x, i) => x === mine.verdicts[i]).length
          roundLines.push(`round ${r} (load ${loadBefore} → ${load()}): t2s ${v.name} ${(mine.ms / 1000).toFixed(2)} s, official num_cpus ${cpus} ${(offs[cpus].ms / 1000).toFixed(2)} s (${(mine.ms / offs[cpus].ms).toFixed(2)}x); verdicts equal ${equal} of ${all.length}`)
          if (r === 1) table.push(...compare(`1,534 gold as predictions, timeout ${timeoutS} s, t2s ${v.name}, official num_cpus ${cpus} (round 1)`, all, offs[cpus], mine))
        }
      }
      if (r === 1) for (const v of variants) notes.push(`gold run, t2s ${v.name} statuses (round 1): ${JSON.stringify(ours[v.name].statuses)}`)
      console.log(roundLines.slice(-numCpus.length * variants.length).join('\n'))
    }
    notes.push(...roundLines)
    for (const v of variants) {
      const t = median(times[v.name])
      for (const cpus of numCpus) {
        const o = median(times[`official ${cpus}`])
        notes.push(`medians over ${rounds} rounds: t2s ${v.name} ${(t / 1000).toFixed(2)} s (${times[v.name].map((x) => (x / 1000).toFixed(1)).join(', ')}), official num_cpus ${cpus} ${(o / 1000).toFixed(2)} s (${times[`official ${cpus}`].map((x) => (x / 1000).toFixed(1)).join(', ')}): t2s / official ${(t / o).toFixed(2)}x`)
      }
    }
  }
  if (runs.includes('hard')) {
    const timeoutS = Number(values['hard-timeout-s'])
    const ours = await t2s(stack, 'bird-scale-hard', hardQuestions, hardPreds, timeoutS)
    for (const cpus of numCpus) {
      const off = await official('hard', hardQuestions, hardPreds, timeoutS, cpus)
      table.push(...compare(`hard cases, timeout ${timeoutS} s, official num_cpus ${cpus}`, hardQuestions, off, ours, hardKinds))
    }
    notes.push(`hard run, t2s statuses: ${JSON.stringify(ours.statuses)}`)
  }
} finally {
  await stack.stop()
}
const after = digests()
const copyAfter = digests(join(WORK, 'official-db-copy'))
console.log(table.join('\n'))
for (const n of notes) console.log(n)
console.log(`generated databases unchanged (sha256 before and after): ${sameDigests(before, after)}`)
console.log(`official scorer's copy unchanged: ${sameDigests(copyBefore, copyAfter)}`)
console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
if (!sameDigests(before, after)) process.exit(1)
