/**
 * The JSON-lines progress contract of `python -m t2s_trainer sft` and `grpo` (trainer-gpu/t2s_trainer/events.py):
 * one object per stdout line with `v`, `event` and `time`, plus the fields below. Unknown
 * fields are kept (passed on as run information), and a line that is not an event is
 * ignored rather than fatal: a stray print must never stop a training run.
 */
import { GRPO_METRICS, type GrpoMetric } from '@t2s/core/contracts'

type N = number | null

export interface StartEvent { event: 'start', total_steps: number, start_step: number, world_size: N, extra: Record<string, unknown> }
export interface LogEvent { event: 'log', step: number, total_steps: N, epoch: N, loss: N, lr: N, grad_norm: N, tokens_per_s: N, gpu_mem_gb: N, grpo?: Partial<Record<GrpoMetric, N>> }
export interface CheckpointEvent { event: 'checkpoint', step: number, path: string }
export interface DoneEvent { event: 'done', step: number, total_steps: N, output_path: string, output_kind: 'adapter' | 'model', extra: Record<string, unknown> }
export interface ErrorEvent { event: 'error', message: string, error_type: string }
export interface CancelledEvent { event: 'cancelled', step: number, checkpoint: string | null }

export type TrainerEvent = StartEvent | LogEvent | CheckpointEvent | DoneEvent | ErrorEvent | CancelledEvent

const num = (v: unknown): N => typeof v === 'number' && Number.isFinite(v) ? v : null
const int = (v: unknown): number | null => Number.isInteger(v) ? v as number : null
const str = (v: unknown): string | null => typeof v === 'string' ? v : null

/** Parses one stdout line; null when it is not a well-formed progress event. */
export function parseEventLine (line: string): TrainerEvent | null {
  const text = line.trim()
  if (!text.startsWith('{')) return null
  let o: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null
    o = parsed as Record<string, unknown>
  } catch {
    return null
  }
  switch (o.event) {
    case 'start': {
      const total = int(o.total_steps)
      if (total === null) return null
      const { v: _v, event: _e, time: _t, total_steps: _ts, start_step: _ss, world_size: _w, ...extra } = o
      return { event: 'start', total_steps: total, start_step: int(o.start_step) ?? 0, world_size: int(o.world_size), extra }
    }
    case 'log': {
      const step = int(o.step)
      if (step === null) return null
      const e: LogEvent = { event: 'log', step, total_steps: int(o.total_steps), epoch: num(o.epoch), loss: num(o.loss), lr: num(o.lr), grad_norm: num(o.grad_norm), tokens_per_s: num(o.tokens_per_s), gpu_mem_gb: num(o.gpu_mem_gb) }
      // A GRPO step (grpo.py) also reports its rewards and rollouts.
      if (GRPO_METRICS.some((k) => k in o)) e.grpo = Object.fromEntries(GRPO_METRICS.map((k) => [k, num(o[k])]))
      return e
    }
    case 'checkpoint': {
      const step = int(o.step)
      const path = str(o.path)
      return step === null || path === null ? null : { event: 'checkpoint', step, path }
    }
    case 'done': {
      const path = str(o.output_path)
      if (path === null) return null
      const { v: _v, event: _e, time: _t, step: _s, total_steps: _ts, output_path: _p, output_kind: _k, ...extra } = o
      return { event: 'done', step: int(o.step) ?? 0, total_steps: int(o.total_steps), output_path: path, output_kind: o.output_kind === 'model' ? 'model' : 'adapter', extra }
    }
    case 'error':
      return { event: 'error', message: str(o.message) ?? 'the trainer reported an error without a message', error_type: str(o.error_type) ?? 'runtime' }
    case 'cancelled':
      return { event: 'cancelled', step: int(o.step) ?? 0, checkpoint: str(o.checkpoint) }
    default:
      return null
  }
}
