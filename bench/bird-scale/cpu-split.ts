/**
 * Where an evaluation's CPU goes: one t2s evaluation of the 1,534 dev gold queries as
 * predictions on the generated BIRD-scale databases (the real stack, as evaluate.ts), with
 * the CPU time each process used over it, from /proc: the evaluator's main thread, its SQL
 * sandbox processes (live ones and those already reaped, through the parent's cutime), the
 * gateway (this process) and nats-server. Extra environment for the services passes through
 * (e.g. EVAL_SANDBOX_OVERFLOW=0).
 *
 *   npx tsx bench/bird-scale/cpu-split.ts [--runs 1]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sharedDataDir } from '../../test/helpers/shared-data.js'
import { AUTH, startStack } from '../../test/helpers/stack.js'
import { machine } from '../machine.js'
import { BIRD_DIR, DB_ROOT, OUT, devQuestions, requireDatabases } from './common.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } })
requireDatabases()
const TICKS = 100

interface Stat { ppid: number, own: number, reaped: number }
function stat (pid: number): Stat {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
  return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / TICKS, reaped: (Number(f[13]) + Number(f[14])) / TICKS }
}

/** `root` and its descendants. */
function tree (root: number): number[] {
  const parent = new Map<number, number>()
  for (const n of readdirSync('/proc')) if (/^\d+$/.test(n)) { try { parent.set(Number(n), stat(Number(n)).ppid) } catch { /* gone */ } }
  return [...parent.keys()].filter((p) => { for (let q: number | undefined = p; q !== undefined && q > 1; q = parent.get(q)) if (q === root) return true; return false })
}

/** CPU seconds of `root` itself, and of its children (live and reaped). */
function cpu (root: number): { own: number, children: number } {
  let own = 0
  let children = 0
  for (const pid of tree(root)) {
    try {
      const s = stat(pid)
      if (pid === root) { own += s.own; children += s.reaped } else children += s.own + s.reaped
    } catch { /* gone */ }
  }
  return { own, children }
}

console.log(`machine: ${machine()}; load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
const stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: `${sharedDataDir()},${OUT}`, LOG_LEVEL: 'warn' })
try {
  await stack.registerSource('bird-scale-dev', join(BIRD_DIR, 'dev.json'), DB_ROOT)
  const predictions = Object.fromEntries(devQuestions().map((q, i) => [String(i), `${q.SQL}\t----- bird -----\t${q.db_id}`]))
  const evaluator = stack.procs.get('evaluator')!.child.pid!
  const nats = tree(process.pid).find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('nats-server'))!
  for (let r = 1; r <= Number(values.runs); r++) {
    const e0 = cpu(evaluator)
    const n0 = stat(nats).own
    const g0 = process.cpuUsage()
    const start = Date.now()
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'bird-scale-dev', predictions, timeout_s: 30 } })
    if (res.statusCode !== 202) throw new Error(res.body)
    const job = await stack.waitJob(res.json().job_id, 3_600_000)
    const wall = (Date.parse(job.finished_at) - start) / 1000
    const e1 = cpu(evaluator)
    const g1 = process.cpuUsage()
    const gateway = (g1.user + g1.system - g0.user - g0.system) / 1e6
    console.log(`run ${r}${r > 1 ? ' (gold results cached)' : ''}: ${wall.toFixed(1)} s wall; CPU: evaluator main ${(e1.own - e0.own).toFixed(1)} s, ` +
      `sandbox processes ${(e1.children - e0.children).toFixed(1)} s, gateway ${gateway.toFixed(1)} s, nats-server ${(stat(nats).own - n0).toFixed(1)} s; ` +
      `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  }
} finally {
  await stack.stop()
}
