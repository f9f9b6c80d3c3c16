import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { FAKE_PYTHON, writeFakeScript } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 't2s-fake-trainer-'))
after(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(join(dir, 'train.jsonl'), '{"messages":[]}\n'.repeat(80))
writeFakeScript(join(dir, 'script.json'), { crashy: { crash_at_step: 7, step_ms: 1 }, plain: { step_ms: 1 } })

function run (name: string, model: string, extra: object = {}, launcher: string[] = []) {
  const config = join(dir, `${name}.json`)
  writeFileSync(config, JSON.stringify({ model, train_files: [join(dir, 'train.jsonl')], output_dir: join(dir, name), num_epochs: 1, save_steps: 5, ...extra }))
  const r = spawnSync(FAKE_PYTHON, [...launcher, '-m', 't2s_trainer', 'sft', '--config', config], { encoding: 'utf8', env: { ...process.env, T2S_FAKE_TRAINER_SCRIPT: join(dir, 'script.json') } })
  const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
  return { status: r.status, signal: r.signal, events }
}

test('the fake resumes after a crash with the same loss at each step as an uninterrupted run', () => {
  const plain = run('plain', 'plain')
  assert.equal(plain.status, 0)
  const first = run('crashy', 'crashy')
  assert.equal(first.signal, 'SIGKILL')
  assert.equal(first.events.filter((e) => e.event === 'log').at(-1).step, 7)
  const second = run('crashy', 'crashy')
  assert.equal(second.status, 0)
  assert.equal(second.events[0].start_step, 5)
  const losses = (events: any[]) => Object.fromEntries(events.filter((e) => e.event === 'log').map((e) => [e.step, e.loss]))
  assert.deepEqual({ ...losses(first.events), ...losses(second.events) }, losses(plain.events))
  assert.ok(existsSync(join(dir, 'crashy', 'adapter', 'manifest.json')))
  const again = run('crashy', 'crashy')
  assert.equal(again.events[1].event, 'done')
  assert.equal(again.events[1].already_done, true)
})

test('the fake refuses settings the real trainer does not know, and takes the accelerate form', () => {
  const bad = run('bad', 'plain', { learning_rat: 1 })
  assert.equal(bad.status, 2)
  assert.equal(bad.events[0].event, 'error')
  assert.match(bad.events[0].message, /unknown setting "learning_rat"/)
  const multi = run('multi', 'plain', {}, ['-m', 'accelerate.commands.launch', '--num_processes', '2', '--num_machines', '1', '--multi_gpu'])
  assert.equal(multi.status, 0)
  assert.equal(multi.events[0].world_size, 2)
})
