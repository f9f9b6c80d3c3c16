import { spawn } from 'node:child_process'
import { appendFileSync, closeSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { EventFileTail } from './event-file.js'
import { parseEventLine, type TrainerEvent } from './events.js'

export interface RunSpec {
  file: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd: string
  /** The trainer's stderr (its log) is appended here, with its stdout lines that are not events. */
  logFile: string
  /**
   * The trainer's stdout (its events) is appended here and read back as it grows, so what the
   * trainer reports outlives this service (a successor replays it).
   */
  eventsFile: string
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
/** How often the events file is read while the trainer runs (a step takes seconds on a GPU). */
const EVENTS_POLL_MS = 100

/**
 * Runs one trainer process: events from its stdout go to `onEvent` one at a time, in order;
 * stderr is its log. Both are files, not pipes to this service: a trainer whose service was
 * killed must not die of a broken pipe at its next line, and what it writes meanwhile is kept
 * for the successor. The trainer leads its own process group (it may be accelerate's launcher
 * with one worker per GPU), so stopping signals the whole group: SIGTERM (the trainer
 * checkpoints and reports `cancelled`), then SIGKILL after the grace period. Resolves once the
 * process has exited and every event has been handled.
 */
export async function runTrainer (spec: RunSpec, onEvent: (e: TrainerEvent) => Promise<void>, stop: AbortSignal): Promise<TrainerExit> {
  const stdout = openSync(spec.eventsFile, 'a')
  const stderr = openSync(spec.logFile, 'a')
  const events = new EventFileTail(spec.eventsFile, statSync(spec.eventsFile).size)
  const logStart = statSync(spec.logFile).size
  let child: ReturnType<typeof spawn>
  try {
    child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', stdout, stderr] })
  } finally {
    // The child holds its own copies.
    closeSync(stdout)
    closeSync(stderr)
  }
  let chain = Promise.resolve()
  let handlerError: unknown = null
  let spawnError: NodeJS.ErrnoException | null = null

  if (child.pid !== undefined) writeFileSync(spec.pidFile, JSON.stringify({ pid: child.pid, args: spec.args }) + '\n')
  const onLine = (line: string): void => {
    const event = parseEventLine(line)
    if (!event) {
      if (line.trim()) appendFileSync(spec.logFile, `${STRAY}${line}\n`)
      return
    }
    chain = chain.then(async () => await onEvent(event)).catch((err) => { handlerError ??= err })
  }
  const poll = setInterval(() => events.read().forEach(onLine), EVENTS_POLL_MS)

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
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  clearInterval(poll)
  // The trainer has exited: the events file is complete (a last line without its newline is a cut-off write).
  events.read().forEach(onLine)
  onLine(events.rest())
  clearTimeout(killTimer)
  stop.removeEventListener('abort', onStop)
  rmSync(spec.pidFile, { force: true })
  await chain
  if (handlerError) throw handlerError
  return { ...exit, spawnError, stderrTail: stderrTail(spec.logFile, logStart) }
}

/** Marks a stdout line that is not an event in the log, where stderr's lines go too. */
const STRAY = '[stdout] '
const TAIL_BYTES = 64 * 1024

/** The last lines the trainer wrote to stderr in this run (the log from `from` on, without stray stdout lines). */
function stderrTail (logFile: string, from: number): string[] {
  const size = statSync(logFile).size
  const start = Math.max(from, size - TAIL_BYTES)
  const fd = openSync(logFile, 'r')
  try {
    const buf = Buffer.alloc(size - start)
    readSync(fd, buf, 0, buf.length, start)
    const lines = buf.toString('utf8').split('\n')
    if (start > from) lines.shift() // cut in the middle
    return lines.filter((l) => l && !l.startsWith(STRAY)).slice(-TAIL_LINES)
  } finally {
    closeSync(fd)
  }
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
