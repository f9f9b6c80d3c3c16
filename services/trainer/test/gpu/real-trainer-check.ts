/**
 * The trainer service's own modules (config, command, process, events, publication) driving
 * the real `python -m t2s_trainer sft` on a tiny Llama, on a machine with a GPU and torch.
 * Not part of `npm test` (no GPU in CI). On the GPU machine, from the repository root:
 *
 *   node_modules/.bin/esbuild services/trainer/test/gpu/real-trainer-check.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/check.mjs       # (here; the bundle needs only node there)
 *   R=/tmp/gc; mkdir -p $R; PYTHONPATH=$PWD/trainer-gpu python3 services/trainer/test/gpu/make_tiny.py $R
 *   node /tmp/check.mjs $R $R/tiny-llama $PWD/trainer-gpu $OUT
 *
 * It runs 40 LoRA steps uninterrupted; the same run cancelled at step 7 (SIGTERM to the
 * process group) and started again; once more after it finished; then publishes the adapter.
 * Run 2026-11-25 on one NVIDIA H100 80GB HBM3 (torch 2.11, node 20.20.2): the cancelled run
 * wrote checkpoint-8 and exited 3 with `cancelled`; the second start resumed at step 8; the
 * loss at all 40 steps equalled the uninterrupted run's (max |diff| 0); the third start
 * answered start + done (already done); the published files matched the manifest's sha256.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { trainerCommand, trainerEnv } from '../../src/command.js'
import type { TrainerEvent } from '../../src/events.js'
import { runTrainer } from '../../src/process.js'
import { fileSha256 } from '@t2s/core/util'
import { folderDigests, publishFolder } from '../../src/publish.js'
import { absolute, trainerConfig } from '../../src/trainer-config.js'

const [root, model, trainerDir, out] = process.argv.slice(2)
const dataDir = join(root, 'data')
const summary: Record<string, unknown> = {}
const hp = { lora_r: 16, lora_alpha: 32, learning_rate: 3e-3, max_length: 512, global_batch_size: 4, per_device_batch_size: 2, max_steps: 40, save_steps: 10, save_total_limit: 3, logging_steps: 1 }

async function run (id: string, stopAtStep?: number) {
  const cfg = absolute(trainerConfig({ trainingId: id, trainFile: 'datasets/train.jsonl', baseModel: model, method: 'lora', hyperparameters: hp }), dataDir)
  const dir = join(dataDir, 'trainer', 'runs', id)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg))
  const cmd = trainerCommand({ python: 'python3', gpus: 1, trainerDir }, join(dir, 'config.json'))
  const stop = new AbortController()
  const events: TrainerEvent[] = []
  const t0 = Date.now()
  const exit = await runTrainer({ file: cmd.file, args: cmd.args, env: trainerEnv(process.env, trainerDir), cwd: dir, logFile: join(dir, 'trainer.log'), eventsFile: join(dir, 'events.jsonl'), pidFile: join(dir, 'trainer.pid'), stopGraceMs: 120_000 }, async (e) => {
    events.push(e)
    if (stopAtStep !== undefined && e.event === 'log' && e.step === stopAtStep) stop.abort('cancelled')
  }, stop.signal)
  return { exit: { code: exit.code, signal: exit.signal, tail: exit.stderrTail.slice(-3) }, events, ms: Date.now() - t0 }
}
const losses = (events: TrainerEvent[]) => Object.fromEntries(events.flatMap((e) => e.event === 'log' ? [[e.step, e.loss]] : []))

const ref = await run('tj_ref')
summary.reference = { exit: ref.exit, ms: ref.ms, events: ref.events.map((e) => e.event).join(','), last: ref.events.at(-1) }
const cut = await run('tj_cut', 7)
summary.cancelled = { exit: cut.exit, ms: cut.ms, tail_events: cut.events.slice(-2) }
const resumed = await run('tj_cut')
const start = resumed.events.find((e) => e.event === 'start')
summary.resumed = { exit: resumed.exit, ms: resumed.ms, start: start && { start_step: (start as { start_step: number }).start_step, resumed_from: (start as { extra: Record<string, unknown> }).extra.resumed_from } }
const refL = losses(ref.events)
const allL = { ...losses(cut.events), ...losses(resumed.events) }
summary.max_abs_loss_diff = Math.max(...Object.keys(refL).map((k) => Math.abs((refL[k] as number) - (allL[k] as number))))
summary.steps_compared = Object.keys(refL).length
const again = await run('tj_cut')
summary.redelivered_after_done = again.events.map((e) => e.event)
const done = resumed.events.find((e) => e.event === 'done') as Extract<TrainerEvent, { event: 'done' }>
const dest = join(dataDir, 'artifacts', 'adapters', 'gpu-check')
const files = await folderDigests(done.output_path)
publishFolder(done.output_path, dest, { 'training.json': '{}\n' })
const mismatched = []
for (const [name, d] of Object.entries(files)) if (await fileSha256(join(dest, name)) !== d.sha256) mismatched.push(name)
summary.published = { files: Object.keys(files), mismatched }
writeFileSync(join(out, 'gpu-check.json'), JSON.stringify(summary, null, 2))
console.log(JSON.stringify(summary, null, 2))
