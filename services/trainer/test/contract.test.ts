// The trainer service and trainer-gpu meet at two files: the config the service writes and
// the event lines the trainer prints. These tests run trainer-gpu's own (torch-free) code
// on both, so a rename on either side fails here rather than on a GPU machine.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import type { Hyperparameters } from '@t2s/core/contracts'
import { parseEventLine } from '../src/events.js'
import { absolute, trainerConfig } from '../src/trainer-config.js'

const trainerDir = fileURLToPath(new URL('../../../trainer-gpu', import.meta.url))
const python = (code: string, input = '') => spawnSync('python3', ['-c', code], { input, encoding: 'utf8', env: { ...process.env, PYTHONPATH: trainerDir } })
const skip = spawnSync('python3', ['--version']).error || !existsSync(`${trainerDir}/t2s_trainer/config.py`) ? 'needs python3 and trainer-gpu' : false

const EVERY_HYPERPARAMETER: Required<Hyperparameters> = {
  num_epochs: 2,
  max_steps: 120,
  learning_rate: 1e-4,
  lr_scheduler: 'cosine',
  warmup_ratio: 0.05,
  max_grad_norm: 0.5,
  weight_decay: 0.01,
  lora_r: 64,
  lora_alpha: 32,
  lora_dropout: 0,
  lora_target_modules: ['q_proj', 'v_proj'],
  per_device_batch_size: 2,
  global_batch_size: 16,
  max_length: 2048,
  truncate: true,
  packing: false,
  loss_on: 'all',
  gradient_checkpointing: false,
  seed: 7,
  logging_steps: 5,
  save_steps: 25,
  save_total_limit: 3
}

test('the config the service writes is a valid SFTConfig, every hyper-parameter included', { skip }, () => {
  const config = absolute(trainerConfig({ trainingId: 'tj_x', trainFile: 'datasets/ds_x/train.jsonl', baseModel: 'meta-llama/Llama-3.1-8B-Instruct', method: 'lora', hyperparameters: EVERY_HYPERPARAMETER }), '/data')
  const r = python(`
import dataclasses, json, sys
from t2s_trainer.config import SFTConfig, make_config
cfg = make_config(SFTConfig, json.load(sys.stdin))
print(json.dumps(dataclasses.asdict(cfg)))
`, JSON.stringify(config))
  assert.equal(r.status, 0, r.stderr)
  const parsed = JSON.parse(r.stdout)
  for (const [k, v] of Object.entries(EVERY_HYPERPARAMETER)) assert.deepEqual(parsed[k], v, k)
  assert.deepEqual(parsed.train_files, ['/data/datasets/ds_x/train.jsonl'])
  assert.equal(parsed.output_dir, '/data/trainer/runs/tj_x/out')
  assert.equal(parsed.resume, 'auto')
  assert.equal(parsed.method, 'lora')
})

test("the recipe's defaults apply when no hyper-parameter is given", { skip }, () => {
  const config = absolute(trainerConfig({ trainingId: 'tj_y', trainFile: 'd/train.jsonl', baseModel: 'm', method: 'lora', hyperparameters: {} }), '/data')
  const r = python(`
import dataclasses, json, sys
from t2s_trainer.config import SFTConfig, make_config
print(json.dumps(dataclasses.asdict(make_config(SFTConfig, json.load(sys.stdin)))))
`, JSON.stringify(config))
  assert.equal(r.status, 0, r.stderr)
  const c = JSON.parse(r.stdout)
  assert.deepEqual([c.lora_r, c.lora_alpha, c.lora_dropout, c.lora_target_modules, c.learning_rate, c.warmup_ratio, c.max_grad_norm, c.num_epochs, c.max_length, c.packing],
    [256, 128, 0.05, ['all-linear'], 2e-4, 0.03, 0.3, 3, 4096, true])
})

// Compiled: the fast step, as close to fp32 as eager on the 8B shape (trainer-gpu BENCHMARKS.md).
test('the service runs the compiled step with selective checkpointing by default', { skip }, () => {
  const written = trainerConfig({ trainingId: 'tj_z', trainFile: 'd/train.jsonl', baseModel: 'm', method: 'lora', hyperparameters: {} })
  assert.equal(written.compile, true)
  const r = python(`
import dataclasses, json, sys
from t2s_trainer.config import SFTConfig, make_config
print(json.dumps(dataclasses.asdict(make_config(SFTConfig, json.load(sys.stdin)))))
`, JSON.stringify(absolute(written, '/data')))
  assert.equal(r.status, 0, r.stderr)
  const c = JSON.parse(r.stdout)
  assert.deepEqual([c.compile, c.compile_dynamic, c.gradient_checkpointing, c.gradient_checkpointing_ratio], [true, true, true, 0.5])
})

test('every event type trainer-gpu prints parses, unknown fields kept as run information', { skip }, () => {
  const r = python(`
from t2s_trainer.events import format_event
print(format_event("start", total_steps=450, start_step=50, world_size=2, output_dir="/o", method="lora", model="m", num_examples=1200, trainable_params=671088640))
print(format_event("log", step=51, total_steps=450, epoch=0.34, loss=float("nan"), lr=2e-4, grad_norm=0.21, tokens_per_s=7712.3, gpu_mem_gb=41.5))
print(format_event("checkpoint", step=100, path="/o/checkpoint-100"))
print(format_event("done", step=450, total_steps=450, output_path="/o/adapter", output_kind="adapter", train_loss=0.07))
print(format_event("error", message="ModuleNotFoundError: No module named 'torch'", error_type="runtime"))
print(format_event("cancelled", step=120, checkpoint="/o/checkpoint-120"))
`)
  assert.equal(r.status, 0, r.stderr)
  const events = r.stdout.trim().split('\n').map(parseEventLine)
  assert.deepEqual(events.map((e) => e?.event), ['start', 'log', 'checkpoint', 'done', 'error', 'cancelled'])
  assert.deepEqual(events[0], { event: 'start', total_steps: 450, start_step: 50, world_size: 2, extra: { output_dir: '/o', method: 'lora', model: 'm', num_examples: 1200, trainable_params: 671088640 } })
  assert.deepEqual(events[1], { event: 'log', step: 51, total_steps: 450, epoch: 0.34, loss: null, lr: 2e-4, grad_norm: 0.21, tokens_per_s: 7712.3, gpu_mem_gb: 41.5 })
  assert.deepEqual(events[2], { event: 'checkpoint', step: 100, path: '/o/checkpoint-100' })
  assert.deepEqual(events[3], { event: 'done', step: 450, total_steps: 450, output_path: '/o/adapter', output_kind: 'adapter', extra: { train_loss: 0.07 } })
  assert.deepEqual(events[4], { event: 'error', message: "ModuleNotFoundError: No module named 'torch'", error_type: 'runtime' })
  assert.deepEqual(events[5], { event: 'cancelled', step: 120, checkpoint: '/o/checkpoint-120' })
})
