import { ITEM_STATUSES, type Evaluation, type JobRecord } from '@t2s/core/contracts'
import type { EvaluationRow, EvaluationStore, ItemGroup } from './store.js'

const BUCKETS = ['simple', 'moderate', 'challenging'] as const

const pct = (part: number, whole: number) => whole === 0 ? 0 : 100 * part / whole

/**
 * The report of an evaluation, computed from its committed items (so a running or cancelled
 * one shows what is scored so far): EX and Soft-F1 as the official table prints them,
 * 0-100 per difficulty and in total over every scored question.
 */
export function buildReport (store: EvaluationStore, row: EvaluationRow, job: JobRecord | null): Evaluation {
  const groups = store.groups(row.id)
  const per = (d: string | null) => groups.filter((g) => d === null || g.difficulty === d)
  const sum = (gs: ItemGroup[], k: 'n' | 'correct' | 'f1' | 'cached' | 'prompt' | 'completion') => gs.reduce((s, g) => s + g[k], 0)
  const all = per(null)
  const total = sum(all, 'n')
  const ex = { simple: 0, moderate: 0, challenging: 0, total: pct(sum(all, 'correct'), total) }
  const f1 = { simple: 0, moderate: 0, challenging: 0, total: pct(sum(all, 'f1'), total) }
  const counts = { simple: 0, moderate: 0, challenging: 0, unknown: 0, total, planned: row.planned }
  for (const b of BUCKETS) {
    const gs = per(b)
    counts[b] = sum(gs, 'n')
    ex[b] = pct(sum(gs, 'correct'), counts[b])
    f1[b] = pct(sum(gs, 'f1'), counts[b])
  }
  counts.unknown = total - counts.simple - counts.moderate - counts.challenging
  const statuses = Object.fromEntries(ITEM_STATUSES.map((s) => [s, sum(all.filter((g) => g.status === s), 'n')])) as Evaluation['statuses']

  const latencies = store.latencies(row.id)
  const quantile = (q: number) => latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  const started = job?.started_at ?? null
  const finished = job?.finished_at ?? row.finished_at
  const wall = started === null ? null : ((finished === null ? Date.now() : Date.parse(finished)) - Date.parse(started)) / 1000
  return {
    id: row.id,
    job_id: row.job_id,
    status: job?.status ?? 'failed',
    source: { id: row.source_id, name: row.source_name },
    model: row.model,
    server: row.model === null ? null : (JSON.parse(row.options) as { server?: string }).server ?? 'student',
    options: JSON.parse(row.options),
    ex,
    soft_f1: f1,
    counts,
    statuses,
    gold_cache_hits: sum(all, 'cached'),
    timing: {
      created_at: row.created_at,
      started_at: started,
      finished_at: finished,
      wall_s: wall,
      questions_per_s: wall === null || wall <= 0 ? null : total / wall,
      latency_ms_p50: quantile(0.5),
      latency_ms_p95: quantile(0.95),
      prompt_tokens: sum(all, 'prompt'),
      completion_tokens: sum(all, 'completion')
    },
    manifest: JSON.parse(row.manifest),
    error: job === null ? 'the job of this evaluation is gone' : job.error
  }
}
