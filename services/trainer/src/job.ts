import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join, posix, relative, sep } from 'node:path'
import { type TrainingJob, JOB_KINDS, TrainingJobParamsSchema, type TrainingJobParams } from '@t2s/core/contracts'
import { artifactDir } from '@t2s/core/datasets'
import { JobFailure } from '@t2s/core'
import type { JobContext, SingleJobKind } from '@t2s/core/jobs'
import type { LlmClient } from '@t2s/core/llm'
import { fileSha256 } from '@t2s/core/util'
import { trainerCommand, trainerEnv, type CommandOptions } from './command.js'
import { readEventFile } from './event-file.js'
import { parseEventLine, type CancelledEvent, type CheckpointEvent, type DoneEvent, type ErrorEvent, type LogEvent, type TrainerEvent } from './events.js'
import { runTrainer, stopLeftover, type TrainerExit } from './process.js'
import { folderDigests, publishFolder } from './publish.js'
import type { TrainingRepo, TrainingRow } from './repo.js'
import { absolute, runDir } from './trainer-config.js'

export const TRAINING_KIND = JOB_KINDS.training

export interface StudentServer {
  client: LlmClient
  /** DATA_DIR as the student server sees it ('' = the same path). */
  pathPrefix: string
}

export interface TrainingDeps {
  repo: TrainingRepo
  dataDir: string
  command: CommandOptions
  stopGraceMs: number
  maxAttempts: number
  student: StudentServer | null
  /** The bearer key a GRPO run calls POST /v1/rewards with (the URL is in its config). */
  rewardApiKey: string
}

type Outcome = DoneEvent | ErrorEvent | CancelledEvent
type Artifacts = TrainingJob['artifacts']

const PROGRESS_EVERY_MS = 500

export function trainingJobKind (deps: TrainingDeps): SingleJobKind<typeof TrainingJobParamsSchema> {
  return { kind: TRAINING_KIND, unit: 'steps', params: TrainingJobParamsSchema, run: async (ctx) => await runTraining(deps, ctx) }
}

/**
 * One delivery of a training job: write the trainer's config, run it, relay its events
 * (loss rows in SQLite, metric events on the job's stream, progress on the record), then
 * publish what it produced. A redelivery runs the same config again and the trainer
 * resumes from its newest complete checkpoint (or reports an already finished run).
 */
async function runTraining (deps: TrainingDeps, ctx: JobContext<TrainingJobParams>): Promise<Record<string, unknown>> {
  const { repo, dataDir } = deps
  const id = ctx.job.resource?.id ?? ctx.params.training_id
  const row = repo.require(id)
  const dir = join(dataDir, runDir(id))
  mkdirSync(dir, { recursive: true })
  const configFile = join(dir, 'config.json')
  writeAtomic(configFile, JSON.stringify(absolute(JSON.parse(row.config), dataDir), null, 2) + '\n')
  const pidFile = join(dir, 'trainer.pid')
  if (await stopLeftover(pidFile, deps.stopGraceMs)) ctx.log.warn('stopped a trainer left running by an earlier process of this service')
  // Before the next trainer resumes from the newest checkpoint: what the last one reported
  // and no service recorded (this service was killed) goes into the record now.
  if (row.attempts > 0) await replayUnrecorded(repo, ctx, id, eventsFile(dir, row.attempts))
  repo.startAttempt(id)
  if (ctx.delivery > 1) await say(ctx, 'log', { message: `trainer service restarted the job (delivery ${ctx.delivery}); the trainer resumes from its last checkpoint` })

  let outcome: Outcome | null = null
  let lastProgress = 0
  const onEvent = async (e: TrainerEvent): Promise<void> => {
    switch (e.event) {
      case 'start': {
        repo.started(id, e.total_steps, e.start_step, dataRelative({ world_size: e.world_size, ...e.extra }, dataDir))
        await say(ctx, 'progress', { done: e.start_step, total: e.total_steps })
        const message = e.start_step > 0 ? `trainer resumed from its checkpoint at step ${e.start_step} of ${e.total_steps}` : `trainer started: ${e.total_steps} steps`
        await say(ctx, 'log', { message, total_steps: e.total_steps, start_step: e.start_step, world_size: e.world_size })
        break
      }
      case 'log': {
        await recordStep(repo, ctx, id, e)
        const t = Date.now()
        if (t - lastProgress >= PROGRESS_EVERY_MS || e.step === e.total_steps) {
          lastProgress = t
          await say(ctx, 'progress', { done: e.step, total: e.total_steps })
        }
        break
      }
      case 'checkpoint':
        await recordCheckpoint(repo, ctx, id, e)
        break
      default:
        outcome = e
    }
  }

  const grpo = row.method === 'grpo'
  const cmd = trainerCommand(deps.command, configFile, grpo ? 'grpo' : 'sft')
  const exit = await runTrainer({
    file: cmd.file,
    args: cmd.args,
    env: trainerEnv(process.env, deps.command.trainerDir, grpo ? deps.rewardApiKey : undefined),
    cwd: dir,
    logFile: join(dir, 'trainer.log'),
    eventsFile: eventsFile(dir, row.attempts + 1),
    pidFile,
    stopGraceMs: deps.stopGraceMs
  }, onEvent, ctx.signal)
  const ended = outcome as Outcome | null

  if (ctx.signal.aborted) {
    // Cancelled, or this process is shutting down (the job is then redelivered and resumes).
    const reason = String(ctx.signal.reason)
    repo.stopped(id, ended?.event === 'cancelled' ? `${reason}; checkpoint at step ${ended.step}` : reason)
    throw new Error(`training stopped: ${reason}`)
  }
  if (ended?.event === 'done') {
    repo.stopped(id, 'done')
    return await publish(deps, ctx, repo.require(id), ended)
  }
  const failure = describeFailure(deps, exit, ended)
  repo.stopped(id, failure.stopped)
  if (!failure.retry) throw new JobFailure(redact(failure.message, dataDir))
  if (ctx.delivery >= deps.maxAttempts) throw new JobFailure(redact(`${failure.message}, on each of ${ctx.delivery} attempts`, dataDir))
  await say(ctx, 'log', { message: `${redact(failure.message, dataDir)}; trying again from the last checkpoint` })
  throw new Error(failure.message)
}

/** One file per attempt, so a successor knows which run's events it replays. */
const eventsFile = (dir: string, attempt: number) => join(dir, `events-${attempt}.jsonl`)

async function recordStep (repo: TrainingRepo, ctx: JobContext, id: string, e: LogEvent): Promise<void> {
  const { event: _e, total_steps: total, grpo, ...sft } = e
  const point = { ...sft, ...grpo }
  repo.addPoint(id, point)
  await say(ctx, 'metric', { ...point, total_steps: total })
}

async function recordCheckpoint (repo: TrainingRepo, ctx: JobContext, id: string, e: CheckpointEvent): Promise<void> {
  repo.checkpoint(id, e.step)
  await say(ctx, 'log', { message: `checkpoint at step ${e.step}`, step: e.step })
}

/**
 * Records the steps and checkpoints of an earlier attempt's events file that came after the
 * last recorded step: those its service had not handled when it died, and those its orphaned
 * trainer went on to write. Its steps only grow, and the service handled them in order, so
 * the recorded ones are a prefix. Replaying twice records nothing twice.
 */
async function replayUnrecorded (repo: TrainingRepo, ctx: JobContext, id: string, file: string): Promise<void> {
  let last = repo.lastStep(id)
  let checkpoint = repo.require(id).checkpoint_step ?? 0
  let replayed = 0
  for (const line of readEventFile(file)) {
    const e = parseEventLine(line)
    if (e?.event === 'log' && e.step > last) {
      await recordStep(repo, ctx, id, e)
      last = e.step
      replayed++
    } else if (e?.event === 'checkpoint' && e.step > checkpoint) {
      await recordCheckpoint(repo, ctx, id, e)
      checkpoint = e.step
    }
  }
  if (replayed > 0) await say(ctx, 'log', { message: `recorded ${replayed} step(s) up to step ${last} that the trainer logged while no service was relaying its events`, step: last })
}

/** What an unsuccessful trainer exit means: a final failure, or a crash worth resuming. */
function describeFailure (deps: TrainingDeps, exit: TrainerExit, ended: Outcome | null): { message: string, stopped: string, retry: boolean } {
  if (exit.spawnError) {
    const what = exit.spawnError.code === 'ENOENT' ? 'was not found' : `could not be started (${exit.spawnError.code ?? exit.spawnError.message})`
    return { message: `the trainer interpreter "${deps.command.python}" ${what}; set T2S_TRAINER_PYTHON`, stopped: 'not started', retry: false }
  }
  if (ended?.event === 'error') {
    return { message: `trainer error (${ended.error_type}): ${ended.message}${missingModuleHint(ended.message)}`, stopped: `error (${ended.error_type})`, retry: false }
  }
  if (ended?.event === 'cancelled') {
    return { message: `the trainer was stopped by a signal from outside the service at step ${ended.step}`, stopped: 'stopped from outside', retry: true }
  }
  if (exit.signal) return { message: `the trainer was killed (${exit.signal})`, stopped: `killed (${exit.signal})`, retry: true }
  const last = exit.stderrTail.filter((l) => l.trim()).at(-1)?.trim()
  if (exit.code !== 0) {
    const message = `the trainer exited with code ${exit.code}${last ? `: ${last}` : ''}`
    return { message: message + missingModuleHint(message), stopped: `exit ${exit.code}`, retry: false }
  }
  return { message: 'the trainer exited without reporting a result', stopped: 'exit 0 without done', retry: false }
}

/** A missing Python package is the usual first failure on a machine without the GPU stack. */
function missingModuleHint (message: string): string {
  const m = /No module named '?([\w.]+)'?/.exec(message)
  if (!m) return ''
  return ` (the Python package "${m[1].split('.')[0]}" is missing: run the trainer where trainer-gpu/requirements.txt is installed, or point T2S_TRAINER_PYTHON at such an interpreter)`
}

/**
 * Publishes the finished run: links the trainer's adapter (or model) folder under
 * DATA_DIR/artifacts with a training.json manifest, then asks the student vLLM to load an
 * adapter when one is configured. A student that refuses does not fail the job: the
 * adapter is on disk and the record says why it was not loaded.
 */
async function publish (deps: TrainingDeps, ctx: JobContext, row: TrainingRow, done: DoneEvent): Promise<Record<string, unknown>> {
  const { dataDir, repo } = deps
  const kind = done.output_kind
  const dest = artifactDir(dataDir, kind === 'model' ? 'models' : 'adapters', row.adapter_name)
  if (!existsSync(done.output_path)) {
    // The trainer and this service must share DATA_DIR at the same path.
    throw new JobFailure(redact(`the trainer reported its ${kind} at ${done.output_path}, which the trainer service cannot read`, dataDir))
  }
  const files = await folderDigests(done.output_path)
  const trainFile = join(dataDir, row.train_file)
  const manifest = {
    training_job: row.id,
    job_id: row.job_id,
    name: row.adapter_name,
    kind,
    base_model: row.base_model,
    method: row.method,
    dataset: { id: row.dataset, train_file: row.train_file, bytes: statSync(trainFile).size, sha256: await fileSha256(trainFile) },
    hyperparameters: JSON.parse(row.hyperparameters),
    config: JSON.parse(row.config),
    steps: done.step,
    total_steps: done.total_steps,
    train_loss: done.extra.train_loss ?? null,
    runtime_s: done.extra.runtime_s ?? null,
    trainer: { command: `t2s_trainer ${row.method === 'grpo' ? 'grpo' : 'sft'}`, gpus: row.method === 'grpo' ? 1 : deps.command.gpus, run: JSON.parse(row.run_info) },
    files,
    published_at: new Date().toISOString()
  }
  publishFolder(done.output_path, dest, { 'training.json': JSON.stringify(manifest, null, 2) + '\n' })
  const artifacts: Artifacts = { kind, path: relative(dataDir, dest).split(sep).join('/'), files, loaded: null, note: null }
  repo.published(row.id, artifacts, manifest)
  await say(ctx, 'log', { message: `${kind} published at DATA_DIR/${artifacts.path}` })

  if (kind === 'model') {
    artifacts.note = 'full fine-tuning produced a model folder: serve it with `vllm serve <folder>`'
  } else if (!deps.student) {
    artifacts.note = 'no student server configured (STUDENT_BASE_URL): load the adapter folder yourself'
  } else {
    const loraPath = deps.student.pathPrefix ? posix.join(deps.student.pathPrefix, artifacts.path!) : dest
    try {
      const message = await loadAdapter(deps.student.client, row.adapter_name, loraPath, ctx.signal)
      artifacts.loaded = { server: 'student', lora_name: row.adapter_name, lora_path: loraPath, message }
      await say(ctx, 'log', { message: `student server loaded adapter ${row.adapter_name}` })
    } catch (err) {
      if (ctx.signal.aborted) throw err
      artifacts.note = `the student server did not load the adapter: ${err instanceof Error ? err.message : String(err)}`
      ctx.log.warn({ err: String(err) }, 'adapter not loaded by the student server')
      await say(ctx, 'log', { message: artifacts.note })
    }
  }
  repo.published(row.id, artifacts, manifest)
  return { training_id: row.id, adapter_name: row.adapter_name, kind, artifact: artifacts.path, loaded: artifacts.loaded !== null, steps: done.step, train_loss: manifest.train_loss }
}

/**
 * vLLM refuses a name it already serves. That is our own earlier load when a job is
 * redelivered after it, or an older adapter under the same name: either way the served
 * name must now mean these files, so it is unloaded and loaded again.
 */
async function loadAdapter (client: LlmClient, name: string, path: string, signal: AbortSignal): Promise<string> {
  try {
    return await client.loadLora(name, path, { signal })
  } catch (err) {
    if (!(err instanceof Error) || !/already been loaded/.test(err.message)) throw err
    await client.unloadLora(name, { signal })
    return await client.loadLora(name, path, { signal })
  }
}

/** Progress and events are best effort: a NATS hiccup must not stop a training run. */
async function say (ctx: JobContext, kind: 'log' | 'metric' | 'progress', data: Record<string, unknown>): Promise<void> {
  try {
    if (kind === 'progress') await ctx.progress(data.done as number, (data.total as number | null | undefined) ?? null)
    else await ctx.event(kind, data)
  } catch (err) {
    ctx.log.warn({ err: String(err) }, `could not publish ${kind}`)
  }
}

function writeAtomic (file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, text)
  renameSync(tmp, file)
}

/** Paths the trainer reports (output_dir, resumed_from) shown relative to DATA_DIR, like the config. */
function dataRelative (info: Record<string, unknown>, dataDir: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(info).map(([k, v]) =>
    [k, typeof v === 'string' && v.startsWith(dataDir + sep) ? relative(dataDir, v).split(sep).join('/') : v]))
}

/** Messages leave the service: DATA_DIR's absolute location is not the caller's business. */
const redact = (message: string, dataDir: string) => message.split(dataDir).join('DATA_DIR')
