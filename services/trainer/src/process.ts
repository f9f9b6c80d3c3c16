import { spawn } from 'node:child_process'
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { setTimeout as delay } from 'node:timers/promises'
import { parseEventLine, type TrainerEvent } from './events.js'

export interface RunSpec {
  file: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  /** The trainer's stderr (its log) is appended here. */
  logFile: string
  /** Holds the trainer's pid while it runs, so a restarted service can stop a leftover one. */
  pidFile: string
  /** After a stop request: how long the trainer may take to checkpoint before SIGKILL. */
  stopGraceMs: number
}

export interface TrainerExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** Set when the program could not be started at all (e.g. not found). */
  spawnError: NodeJS.ErrnoException | null
  /** The last lines of stderr, for a failure message when no error event came. */
  stderrTail: string[]
}

const TAIL_LINES = 20

/**
 * Runs one trainer process: events from its stdout go to `onEvent` one at a time, in
 * order; stderr goes to the log file. The trainer leads its own process group (it may be
 * accelerate's launcher with one worker per GPU), so stopping signals the whole group:
 * SIGTERM (the trainer checkpoints and reports `cancelled`), then SIGKILL after the grace
 * period. Resolves once the process has exited and every event has been handled.
 */
export async function runTrainer (spec: RunSpec, onEvent: (e: TrainerEvent) => Promise<void>, stop: AbortSignal): Promise<TrainerExit> {
  const child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const log = createWriteStream(spec.logFile, { flags: 'a' })
  const tail: string[] = []
  let chain = Promise.resolve()
  let handlerError: unknown = null
  let spawnError: NodeJS.ErrnoException | null = null

  if (child.pid !== undefined) writeFileSync(spec.pidFile, JSON.stringify({ pid: child.pid, args: spec.args }) + '\n')
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseEventLine(line)
    if (!event) {
      log.write(`[stdout] ${line}\n`)
      return
    }
    chain = chain.then(async () => await onEvent(event)).catch((err) => { handlerError ??= err })
  })
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.write(line + '\n')
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
  })

  let killTimer: NodeJS.Timeout | undefined
  const onStop = () => {
    signalGroup(child.pid, 'SIGTERM')
    killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), spec.stopGraceMs)
  }
  if (stop.aborted) onStop()
  else stop.addEventListener('abort', onStop, { once: true })

  const exit = await new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      spawnError = err
      resolve({ code: null, signal: null })
    })
    // 'close' comes after the exit and after stdout/stderr have ended: no line is lost.
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  clearTimeout(killTimer)
  stop.removeEventListener('abort', onStop)
  rmSync(spec.pidFile, { force: true })
  await chain
  await new Promise<void>((resolve) => log.end(resolve))
  if (handlerError) throw handlerError
  return { ...exit, spawnError, stderrTail: tail }
}

function signalGroup (pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

/** Whether a process runs; a zombie (exited, not yet reaped) does not. */
function alive (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

/**
 * Stops a trainer left running by an earlier process of this service (killed before it
 * could stop it) before a new one resumes in the same folder. Only a process whose command
 * line is the recorded one is touched: a pid reused by another program is left alone.
 * Returns whether one was found.
 */
export async function stopLeftover (pidFile: string, graceMs: number): Promise<boolean> {
  let recorded: { pid: number, args: string[] }
  try {
    recorded = JSON.parse(readFileSync(pidFile, 'utf8'))
  } catch {
    return false
  }
  const { pid } = recorded
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    rmSync(pidFile, { force: true })
    return false
  }
  if (!alive(pid) || !cmdline.includes(recorded.args.join(' '))) {
    rmSync(pidFile, { force: true })
    return false
  }
  signalGroup(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (alive(pid) && Date.now() < deadline) await delay(100)
  if (alive(pid)) signalGroup(pid, 'SIGKILL')
  while (alive(pid)) await delay(50)
  rmSync(pidFile, { force: true })
  return true
}
