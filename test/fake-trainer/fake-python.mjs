#!/usr/bin/env node
// Scripted stand-in for `python -m t2s_trainer sft|grpo --config FILE`: a TEST DOUBLE, never a
// feature. The trainer service's tests point T2S_TRAINER_PYTHON here. It speaks the real
// trainer's contract (trainer-gpu/t2s_trainer/events.py, sft.py): JSON-lines events on
// stdout (start, log, checkpoint, done, error, cancelled), logs on stderr, checkpoints as
// complete `checkpoint-<step>/trainer_state.json` folders written under a temporary name,
// resume from the newest one, SIGTERM → checkpoint + `cancelled` + exit 3, done.json for a
// run that already finished, and the adapter (or model) folder with a manifest.json.
// It also accepts the multi-GPU form `-m accelerate.commands.launch --num_processes N ...`.
//
// What it does is scripted per base model in the JSON file named by T2S_FAKE_TRAINER_SCRIPT:
//   { "<base_model>" | "default": { step_ms, total_steps, crash_at_step, error_at_step,
//     error_message, error_type, exit_code_at_start, stderr_at_start, ignore_sigterm, hold_after_steps } }
// crash_at_step SIGKILLs itself once per run folder (a marker file remembers it), so the
// resumed run gets past that step. Loss values are a fixed function of (seed, step), so an
// interrupted and resumed run logs the same loss at every step as an uninterrupted one.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const KNOWN = new Set(['model', 'train_files', 'output_dir', 'method', 'lora_r', 'lora_alpha', 'lora_dropout', 'lora_target_modules',
  'learning_rate', 'lr_scheduler', 'warmup_ratio', 'max_grad_norm', 'weight_decay', 'adam_beta1', 'adam_beta2', 'adam_epsilon',
  'num_epochs', 'max_steps', 'per_device_batch_size', 'global_batch_size', 'max_length', 'truncate', 'packing', 'loss_on', 'bf16',
  'tf32', 'gradient_checkpointing', 'gradient_checkpointing_ratio', 'attn_implementation', 'compile', 'compile_dynamic', 'loss_chunk_size', 'full_param_dtype', 'seed', 'logging_steps',
  'save_steps', 'save_total_limit', 'resume', 'tensorboard', 'trust_remote_code'])

// `grpo` (t2s_trainer/grpo_config.py): its own settings. The fake's GRPO steps score real
// completions through the real reward API (reward_url, T2S_REWARD_API_KEY): per prompt, the
// first k of its group answer with the gold SQL of the prompt line, the rest with a query that
// runs but is wrong and one that fails, k growing with the step; so the rewards relayed are
// the suite's own verdicts.
const KNOWN_GRPO = new Set(['model', 'train_files', 'output_dir', 'init_adapter', 'reward_url', 'reward_api_key', 'reward_source',
  'reward_correct', 'reward_executable', 'reward_error', 'reward_format', 'reward_extraction', 'reward_timeout_s', 'reward_max_wait_s',
  'group_size', 'prompts_per_step', 'temperature', 'top_p', 'max_completion_tokens', 'max_prompt_tokens', 'clip_eps_low', 'clip_eps_high',
  'kl_coef', 'loss_norm', 'scale_rewards', 'updates_per_step', 'lora_r', 'lora_alpha', 'lora_dropout', 'lora_target_modules',
  'learning_rate', 'max_grad_norm', 'weight_decay', 'adam_beta1', 'adam_beta2', 'adam_epsilon', 'max_steps', 'micro_batch_size',
  'rollout_batch_size', 'bf16', 'gradient_checkpointing', 'attn_implementation', 'loss_chunk_size', 'seed', 'logging_steps',
  'save_steps', 'save_total_limit', 'resume', 'trust_remote_code'])

const argv = process.argv.slice(2)
const out = (event, fields) => process.stdout.write(JSON.stringify({ v: 1, event, time: Date.now() / 1000, ...fields }) + '\n')
const log = (msg) => process.stderr.write(`fake-trainer: ${msg}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function fail (message, type = 'config', code = 2) {
  out('error', { message, error_type: type })
  process.exit(code)
}

const at = argv.indexOf('--config')
const grpo = argv.includes('grpo')
if (!argv.includes('t2s_trainer') || !(argv.includes('sft') || grpo) || at < 0 || !argv[at + 1]) {
  process.stderr.write('usage: fake-python.mjs [-m accelerate.commands.launch --num_processes N ...] -m t2s_trainer sft|grpo --config FILE\n')
  process.exit(2)
}
const launch = argv.indexOf('accelerate.commands.launch')
const np = argv.indexOf('--num_processes')
const worldSize = launch >= 0 && np >= 0 ? Number(argv[np + 1]) : 1

let cfg
try {
  cfg = JSON.parse(readFileSync(argv[at + 1], 'utf8'))
} catch (err) {
  fail(`config file: ${err.message}`)
}
const unknown = Object.keys(cfg).filter((k) => !(grpo ? KNOWN_GRPO : KNOWN).has(k))
if (unknown.length) fail(`unknown setting ${JSON.stringify(unknown[0])} for ${grpo ? 'GRPOConfig' : 'SFTConfig'}`)
if (grpo) {
  const rewardUrl = cfg.reward_url || process.env.T2S_REWARD_URL
  if (!rewardUrl || !cfg.reward_source) fail('missing required setting(s): reward_url, reward_source')
}
for (const k of ['model', 'output_dir']) if (!cfg[k]) fail(`missing required setting(s): ${k}`)
if (!Array.isArray(cfg.train_files) || cfg.train_files.length === 0) fail('missing required setting(s): train_files')

let script = {}
if (process.env.T2S_FAKE_TRAINER_SCRIPT && existsSync(process.env.T2S_FAKE_TRAINER_SCRIPT)) {
  const all = JSON.parse(readFileSync(process.env.T2S_FAKE_TRAINER_SCRIPT, 'utf8'))
  script = { ...all.default, ...all[cfg.model] }
}
if (script.stderr_at_start) process.stderr.write(script.stderr_at_start + '\n')
if (script.exit_code_at_start !== undefined) process.exit(script.exit_code_at_start)

let stopRequested = false
let training = false
process.on('SIGTERM', () => {
  if (script.ignore_sigterm) return log('ignoring SIGTERM')
  stopRequested = true
  // Tests read which step was complete when the signal came (the run then ends after the next one).
  if (training) writeFileSync(join(cfg.output_dir, '.fake-sigterm-after-step'), String(step))
  if (!training) {
    const last = checkpoints().at(-1)
    out('cancelled', { step: last?.step ?? 0, checkpoint: last?.path ?? null })
    process.exit(3)
  }
})

const outDir = cfg.output_dir
mkdirSync(outDir, { recursive: true })
for (const name of readdirSync(outDir)) if (name.startsWith('.tmp-')) rmSync(join(outDir, name), { recursive: true, force: true })

function checkpoints () {
  if (!existsSync(outDir)) return []
  return readdirSync(outDir)
    .map((name) => ({ name, m: /^checkpoint-(\d+)$/.exec(name) }))
    .filter(({ name, m }) => m && existsSync(join(outDir, name, 'trainer_state.json')))
    .map(({ name, m }) => ({ step: Number(m[1]), path: join(outDir, name) }))
    .sort((a, b) => a.step - b.step)
}

/** Writes files into `final` through a temporary folder renamed when complete. */
function commitDir (final, files) {
  const tmp = join(outDir, `.tmp-${final.split('/').at(-1)}-${process.pid}`)
  mkdirSync(tmp, { recursive: true })
  for (const [name, data] of Object.entries(files)) writeFileSync(join(tmp, name), data)
  rmSync(final, { recursive: true, force: true })
  renameSync(tmp, final)
}

function saveCheckpoint (step, loss) {
  const path = join(outDir, `checkpoint-${step}`)
  commitDir(path, { 'adapter_model.safetensors': `fake weights at step ${step}`, 'trainer_state.json': JSON.stringify({ global_step: step, loss, seed }) })
  for (const old of checkpoints().slice(0, -(cfg.save_total_limit ?? 2))) rmSync(old.path, { recursive: true, force: true })
  out('checkpoint', { step, path })
  return path
}

/**
 * hold_after_steps: after logging such a step, wait (writing `.fake-held-at-<step>`) until the
 * test creates `.fake-release-<step>` in output_dir, or a SIGTERM comes. Lets a test kill the
 * service at a known step and let the orphaned trainer go on to another known step.
 */
async function hold (step) {
  if (existsSync(join(outDir, `.fake-release-${step}`))) return
  writeFileSync(join(outDir, `.fake-held-at-${step}`), '')
  log(`holding after step ${step}`)
  // stopRequested is set by the SIGTERM handler while this loop sleeps.
  for (;;) {
    if (stopRequested || existsSync(join(outDir, `.fake-release-${step}`))) return
    // A failed test removes its data folder without releasing: do not wait forever.
    if (!existsSync(outDir)) process.exit(1)
    await sleep(20)
  }
}

const seed = cfg.seed ?? 42
function lossAt (step) {
  const noise = Math.abs(Math.sin(step * 12.9898 + seed * 78.233) * 43758.5453) % 1
  return Number((0.15 + 2.2 * Math.exp(-step / Math.max(total / 4, 1)) + 0.05 * noise).toFixed(6))
}

const donePath = join(outDir, 'done.json')
const method = grpo ? 'grpo' : cfg.method ?? 'lora'
const kind = method === 'full' ? 'model' : 'adapter'

// Setup: "load" the data and the model.
process.stdout.write('loading tokenizer (a stray line on stdout, as a library might print)\n')
let rows = 0
const prompts = []
for (const f of cfg.train_files) {
  if (!existsSync(f)) fail(`train file not found: ${f}`)
  const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim())
  rows += lines.length
  if (grpo) {
    for (const [i, l] of lines.entries()) {
      const o = JSON.parse(l)
      if (!Number.isInteger(o.question_id)) fail(`${f}:${i + 1}: no 'question_id'`)
      prompts.push({ question_id: o.question_id, gold: o.messages.at(-1).content })
    }
  }
}
const perStep = grpo ? cfg.prompts_per_step ?? 8 : cfg.global_batch_size ?? 8
const stepsPerEpoch = Math.max(1, Math.ceil(rows / perStep))
const total = script.total_steps ?? (cfg.max_steps > 0 ? cfg.max_steps : grpo ? 100 : stepsPerEpoch * (cfg.num_epochs ?? 3))

/** One GRPO step's rewards from the reward API; a refused batch ends the run as grpo.py does. */
async function grpoStep (step) {
  const G = cfg.group_size ?? 8
  const P = cfg.prompts_per_step ?? 8
  const k = Math.min(G, step)
  const items = []
  for (let p = 0; p < P; p++) {
    const q = prompts[((step - 1) * P + p) % prompts.length]
    for (let j = 0; j < G; j++) items.push({ question_id: q.question_id, completion: j < k ? '```sql\n' + q.gold + '\n```' : j % 2 ? 'SELECT 1' : 'SELEC nothing' })
  }
  const weights = Object.fromEntries(['correct', 'executable', 'error', 'format'].filter((w) => cfg[`reward_${w}`] !== undefined).map((w) => [w, cfg[`reward_${w}`]]))
  const res = await fetch(`${(cfg.reward_url || process.env.T2S_REWARD_URL).replace(/\/$/, '')}/v1/rewards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(process.env.T2S_REWARD_API_KEY ? { authorization: `Bearer ${process.env.T2S_REWARD_API_KEY}` } : {}) },
    body: JSON.stringify({ source: cfg.reward_source, items, reward: weights })
  })
  const body = await res.json()
  if (res.status !== 200) fail(`the reward API refused the batch (${res.status}): ${body.detail}`, 'reward', 1)
  const r = body.items.map((it) => it.reward)
  const mean = r.reduce((a, b) => a + b, 0) / r.length
  const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length)
  return { reward_mean: mean, reward_std: std, accuracy: body.ex, zero_std_groups: k === G ? 1 : 0, kl: null, clip_fraction: 0, completion_len: 12.5, rollout_tokens_per_s: 2100.5, train_tokens_per_s: 9100.5, rewards: r }
}

if (existsSync(donePath) && cfg.resume !== 'never') {
  const done = JSON.parse(readFileSync(donePath, 'utf8'))
  out('start', { total_steps: done.total_steps, start_step: done.step, world_size: worldSize, output_dir: outDir, method, model: cfg.model, already_done: true })
  out('done', { step: done.step, total_steps: done.total_steps, output_path: done.output_path, output_kind: done.output_kind, already_done: true })
  process.exit(0)
}
if (script.error_at_step === 0) fail(script.error_message ?? 'scripted error before training', script.error_type ?? 'runtime', 1)

const resumed = cfg.resume === 'never' ? undefined : checkpoints().at(-1)
let step = resumed?.step ?? 0
if (resumed) log(`resumed from ${resumed.path} at step ${step}`)
out('start', { total_steps: total, start_step: step, world_size: worldSize, output_dir: outDir, method, model: cfg.model, resumed_from: resumed?.path ?? null, num_examples: rows, num_rows: rows, steps_per_epoch: stepsPerEpoch, epochs: cfg.num_epochs ?? 3, trainable_params: 671088640, global_batch_size: perStep })

training = true
let lastSaved = resumed ? step : null
let lastLoss = null
while (step < total) {
  await sleep(script.step_ms ?? 20)
  step++
  lastLoss = lossAt(step)
  if (step % (cfg.logging_steps ?? 1) === 0 || step === total) {
    const rl = grpo ? await grpoStep(step) : {}
    out('log', { step, total_steps: total, epoch: Number((step / stepsPerEpoch).toFixed(4)), loss: lastLoss, lr: cfg.learning_rate ?? 2e-4, grad_norm: 0.25, tokens_per_s: 7700.5, gpu_mem_gb: 41.2, ...rl })
  }
  if (script.hold_after_steps?.includes(step)) await hold(step)
  if (script.error_at_step === step) fail(script.error_message ?? `scripted error at step ${step}`, script.error_type ?? 'runtime', 1)
  const crashMarker = join(outDir, `.fake-crashed-at-${step}`)
  if (script.crash_at_step === step && !existsSync(crashMarker)) {
    writeFileSync(crashMarker, '')
    log(`crashing at step ${step}`)
    process.kill(process.pid, 'SIGKILL')
    await sleep(10_000)
  }
  if (stopRequested) {
    const path = lastSaved === step ? join(outDir, `checkpoint-${step}`) : saveCheckpoint(step, lastLoss)
    out('cancelled', { step, checkpoint: path, total_steps: total })
    process.exit(3)
  }
  const saveSteps = cfg.save_steps ?? 50
  if (saveSteps && step % saveSteps === 0 && step < total) {
    saveCheckpoint(step, lastLoss)
    lastSaved = step
  }
}

const weights = `fake ${kind} of ${cfg.model} trained ${total} steps with seed ${seed}`
const files = kind === 'adapter'
  ? { 'adapter_config.json': JSON.stringify({ base_model_name_or_path: cfg.model, peft_type: 'LORA', r: cfg.lora_r ?? 256, lora_alpha: cfg.lora_alpha ?? 128, target_modules: 'all-linear' }), 'adapter_model.safetensors': weights }
  : { 'config.json': JSON.stringify({ architectures: ['LlamaForCausalLM'] }), 'model.safetensors': weights }
const digest = (data) => ({ sha256: createHash('sha256').update(data).digest('hex'), bytes: Buffer.byteLength(data) })
files['manifest.json'] = JSON.stringify({ files: Object.fromEntries(Object.entries(files).map(([n, d]) => [n, digest(d)])), kind, base_model: cfg.model, method })
const outputPath = join(outDir, kind)
commitDir(outputPath, files)
writeFileSync(donePath, JSON.stringify({ output_path: outputPath, output_kind: kind, step, total_steps: total }))
out('done', { step, total_steps: total, output_path: outputPath, output_kind: kind, train_loss: lastLoss, runtime_s: 0.1, checkpoints: checkpoints().map((c) => c.path) })
process.exit(0)
