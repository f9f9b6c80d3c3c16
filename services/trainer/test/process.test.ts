import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { FAKE_PYTHON, writeFakeScript } from '../../../test/fake-trainer/index.js'
import type { TrainerEvent } from '../src/events.js'
import { runTrainer, stopLeftover, type RunSpec } from '../src/process.js'

let dir: string
const alive = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

before(() => {
  dir = mkdtempSync(join(tmpdir(), 't2s-trainer-proc-'))
  writeFileSync(join(dir, 'train.jsonl'), '{"messages":[]}\n'.repeat(16))
  writeFakeScript(join(dir, 'script.json'), { stubborn: { step_ms: 50, total_steps: 1000, ignore_sigterm: true }, slow: { step_ms: 50, total_steps: 1000 }, noisy: { step_ms: 50, total_steps: 1000, stderr_at_start: 'warming up' } })
})
after(() => rmSync(dir, { recursive: true, force: true }))

function spec (name: string, model: string, graceMs = 1000): RunSpec {
  const config = join(dir, `${name}.json`)
  writeFileSync(config, JSON.stringify({ model, train_files: [join(dir, 'train.jsonl')], output_dir: join(dir, name), save_steps: 0 }))
  return { file: FAKE_PYTHON, args: ['-m', 't2s_trainer', 'sft', '--config', config], env: { ...process.env, T2S_FAKE_TRAINER_SCRIPT: join(dir, 'script.json') }, cwd: dir, logFile: join(dir, `${name}.log`), eventsFile: join(dir, `${name}.events.jsonl`), pidFile: join(dir, `${name}.pid`), stopGraceMs: graceMs }
}

test('a stop request: SIGTERM, the trainer checkpoints and reports cancelled, exit 3', async () => {
  const stop = new AbortController()
  const events: TrainerEvent[] = []
  const exit = await runTrainer(spec('term', 'slow'), async (e) => {
    events.push(e)
    if (e.event === 'log' && e.step === 3) stop.abort('cancelled')
  }, stop.signal)
  assert.equal(exit.code, 3)
  const kinds = events.map((e) => e.event)
  assert.deepEqual([kinds[0], ...kinds.slice(-2)], ['start', 'checkpoint', 'cancelled'])
  assert.ok(existsSync(join(dir, 'term.log')), 'stderr and stray stdout lines go to the log')
  assert.match(readFileSync(join(dir, 'term.log'), 'utf8'), /\[stdout\] loading tokenizer/)
  assert.ok(!existsSync(join(dir, 'term.pid')))
})

test('stdout goes to the events file and stderr to the log; only this run\'s events are relayed', async () => {
  const s = spec('files', 'noisy')
  writeFileSync(s.eventsFile, '{"v":1,"event":"log","step":99,"time":0}\n') // an earlier attempt's
  const stop = new AbortController()
  const steps: number[] = []
  const exit = await runTrainer(s, async (e) => {
    if (e.event === 'log') steps.push(e.step)
    if (e.event === 'log' && e.step === 2) stop.abort('cancelled')
  }, stop.signal)
  assert.equal(exit.code, 3)
  assert.deepEqual(steps.slice(0, 2), [1, 2])
  const lines = readFileSync(s.eventsFile, 'utf8').trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  assert.equal(lines[0].step, 99)
  assert.deepEqual(lines.slice(1).filter((e) => e.event === 'log').map((e) => e.step), steps)
  assert.equal(lines.at(-1).event, 'cancelled')
  assert.deepEqual(exit.stderrTail, ['warming up'], 'the tail is stderr only, without the stray stdout line')
  assert.match(readFileSync(s.logFile, 'utf8'), /^warming up\n\[stdout\] loading tokenizer/)
})

test('a trainer that ignores SIGTERM is killed after the grace period', async () => {
  const stop = new AbortController()
  const t0 = Date.now()
  const exit = await runTrainer(spec('stubborn', 'stubborn', 800), async (e) => {
    if (e.event === 'log' && e.step === 2) stop.abort('cancelled')
  }, stop.signal)
  assert.equal(exit.signal, 'SIGKILL')
  const ms = Date.now() - t0
  assert.ok(ms >= 800, `killed after ${ms} ms, before the grace period ended`)
})

test('a program that does not exist is reported as such', async () => {
  const exit = await runTrainer({ ...spec('missing', 'slow'), file: join(dir, 'no-such-python') }, async () => {}, new AbortController().signal)
  assert.equal(exit.spawnError?.code, 'ENOENT')
})

test('a leftover trainer (its service died) is stopped before a new one starts; an unrelated pid is left alone', async () => {
  const s = spec('leftover', 'slow')
  const child = spawn(s.file, s.args, { env: s.env, detached: true, stdio: ['ignore', 'ignore', 'ignore'] })
  writeFileSync(s.pidFile, JSON.stringify({ pid: child.pid, args: s.args }))
  await new Promise((resolve) => setTimeout(resolve, 300))
  assert.ok(await stopLeftover(s.pidFile, 5000))
  assert.ok(!alive(child.pid!))
  assert.ok(!existsSync(s.pidFile))

  writeFileSync(s.pidFile, JSON.stringify({ pid: process.pid, args: s.args }))
  assert.equal(await stopLeftover(s.pidFile, 5000), false)
  assert.ok(alive(process.pid))
  assert.equal(await stopLeftover(join(dir, 'none.pid'), 5000), false)
})
