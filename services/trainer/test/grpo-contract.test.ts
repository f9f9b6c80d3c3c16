// The GRPO side of the service ↔ trainer-gpu contract, checked with trainer-gpu's own torch-free
// code: every `grpo` setting the API accepts becomes a valid GRPOConfig under the trainer's name,
// and a grpo.py log line gives the service its reward metrics.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import type { GrpoHyperparameters } from '@t2s/core/contracts'
import { parseEventLine } from '../src/events.js'
import { absolute, grpoTrainerConfig } from '../src/trainer-config.js'

const trainerDir = fileURLToPath(new URL('../../../trainer-gpu', import.meta.url))
const skip = spawnSync('python3', ['--version']).error || !existsSync(`${trainerDir}/t2s_trainer/grpo_config.py`) ? 'needs python3 and trainer-gpu' : false

const EVERY_SETTING: Required<GrpoHyperparameters> = {
  max_steps: 50,
  group_size: 4,
  prompts_per_step: 16,
  temperature: 0.9,
  top_p: 0.95,
  max_completion_tokens: 256,
  max_prompt_tokens: 2048,
  clip_eps_low: 0.1,
  clip_eps_high: 0.3,
  kl_coef: 0.02,
  loss_norm: 'sequence',
  scale_rewards: false,
  updates_per_step: 2,
  reward: { correct: 2, executable: 0.2, error: -0.5, format: 0.1 },
  reward_extraction: 'cookbook',
  reward_timeout_s: 10,
  init_adapter: 'sft-run',
  learning_rate: 2e-6,
  max_grad_norm: 0.5,
  weight_decay: 0.01,
  lora_r: 32,
  lora_alpha: 64,
  lora_dropout: 0.05,
  lora_target_modules: ['q_proj', 'v_proj'],
  micro_batch_size: 4,
  rollout_batch_size: 32,
  gradient_checkpointing: false,
  deterministic: true,
  seed: 3,
  logging_steps: 2,
  save_steps: 5,
  save_total_limit: 4
}

test('the config the service writes for grpo is a valid GRPOConfig, every setting included', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 't2s-grpo-contract-'))
  // init_adapter must be an adapter folder for the trainer to accept it.
  mkdirSync(join(dataDir, 'artifacts', 'adapters', 'sft-run'), { recursive: true })
  writeFileSync(join(dataDir, 'artifacts', 'adapters', 'sft-run', 'adapter_config.json'), '{}')
  const config = absolute(grpoTrainerConfig({ trainingId: 'tj_g', promptsFile: 'trainer/runs/tj_g/prompts.jsonl', baseModel: 'm', grpo: EVERY_SETTING, rewardUrl: 'http://127.0.0.1:8080', rewardSource: 'bird-train', initAdapter: 'artifacts/adapters/sft-run' }), dataDir)
  const r = spawnSync('python3', ['-c', `
import dataclasses, json, sys
from t2s_trainer.config import make_config
from t2s_trainer.grpo_config import GRPOConfig
print(json.dumps(dataclasses.asdict(make_config(GRPOConfig, json.load(sys.stdin)))))
`], { input: JSON.stringify(config), encoding: 'utf8', env: { ...process.env, PYTHONPATH: trainerDir, T2S_REWARD_API_KEY: '' } })
  assert.equal(r.status, 0, r.stderr)
  const parsed = JSON.parse(r.stdout)
  const { reward, init_adapter: _i, ...rest } = EVERY_SETTING
  for (const [k, v] of Object.entries(rest)) assert.deepEqual(parsed[k], v, k)
  for (const [k, v] of Object.entries(reward)) assert.equal(parsed[`reward_${k}`], v, k)
  assert.equal(parsed.init_adapter, join(dataDir, 'artifacts', 'adapters', 'sft-run'))
  assert.deepEqual(parsed.train_files, [join(dataDir, 'trainer/runs/tj_g/prompts.jsonl')])
  assert.equal(parsed.reward_url, 'http://127.0.0.1:8080')
  assert.equal(parsed.reward_source, 'bird-train')
  assert.equal(parsed.reward_api_key, '')
  assert.equal(parsed.resume, 'auto')
})

test("a grpo.py log line gives the service the step's rewards", { skip }, () => {
  const r = spawnSync('python3', ['-c', `
from t2s_trainer.events import format_event
print(format_event("log", step=3, total_steps=10, epoch=0.6, loss=-0.012, lr=1e-5, grad_norm=0.4, tokens_per_s=900.0,
      gpu_mem_gb=12.5, reward_mean=0.55, reward_std=0.45, accuracy=0.5, zero_std_groups=0.25, kl=None, clip_fraction=0.0,
      completion_len=40.5, rollout_tokens_per_s=1500.0, train_tokens_per_s=8000.0, rewards=[1, 0.1]))
`], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: trainerDir } })
  assert.equal(r.status, 0, r.stderr)
  const e = parseEventLine(r.stdout)
  assert.ok(e !== null && e.event === 'log')
  assert.deepEqual(e.grpo, { reward_mean: 0.55, reward_std: 0.45, accuracy: 0.5, zero_std_groups: 0.25, kl: null, clip_fraction: 0, completion_len: 40.5, rollout_tokens_per_s: 1500, train_tokens_per_s: 8000 })
  assert.equal(e.loss, -0.012)
})
