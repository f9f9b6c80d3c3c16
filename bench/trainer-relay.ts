/**
 * What the trainer service costs per training step (issue 6):
 *   npx tsx bench/trainer-relay.ts [--steps 3000]
 * The scripted trainer (test/fake-trainer) logs `steps` steps as fast as it can, once on its
 * own (stdout read to the end) and once as a training job (each step parsed, written to
 * SQLite, published as a metric event, progress on the job record every 500 ms). The
 * difference per step is the relay's overhead; a real step of the 8B model takes ~1-5 s.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Service } from '@nats-io/services'
import { createLogger } from '@t2s/core'
import { serveEndpoints } from '@t2s/core/nats'
import { FAKE_PYTHON, writeFakeScript } from '../test/fake-trainer/index.js'
import { AUTH, startStack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const { values } = parseArgs({ options: { steps: { type: 'string', default: '3000' } } })
const steps = Number(values.steps)

const stack = await startStack([])
const scriptFile = join(stack.dataDir, 'script.json')
writeFakeScript(scriptFile, { default: { step_ms: 0, total_steps: steps } })
mkdirSync(join(stack.dataDir, 'datasets'), { recursive: true })
writeFileSync(join(stack.dataDir, 'datasets', 'train.jsonl'), '{"messages":[]}\n'.repeat(64))
const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
let datasets: Service | undefined
console.log(`machine: ${machine()}; load average at start ${loadavg()[0].toFixed(1)}`)
try {
  // Alone: the fake trainer with stdout drained by a plain pipe reader.
  const config = join(stack.dataDir, 'alone.json')
  writeFileSync(config, JSON.stringify({ model: 'bench', train_files: [join(stack.dataDir, 'datasets', 'train.jsonl')], output_dir: join(stack.dataDir, 'alone'), save_steps: 0 }))
  const t0 = performance.now()
  const child = spawn(FAKE_PYTHON, ['-m', 't2s_trainer', 'sft', '--config', config], { env: { ...process.env, T2S_FAKE_TRAINER_SCRIPT: scriptFile }, stdio: ['ignore', 'pipe', 'ignore'] })
  child.stdout.resume()
  await new Promise((resolve) => child.once('close', resolve))
  const alone = (performance.now() - t0) / 1000

  const proc = await stack.startService('trainer', { T2S_TRAINER_PYTHON: FAKE_PYTHON, T2S_FAKE_TRAINER_SCRIPT: scriptFile })
  datasets = await serveEndpoints(stack.nc, { name: 'dataset', version: '0.0.0', description: 'bench stand-in', log: createLogger('bench', 'silent') }, {
    dataset_file: { handler: () => ({ path: 'datasets/train.jsonl', bytes: 1 }) }
  })
  const res = await stack.gateway.inject({ method: 'POST', url: '/v1/training-jobs', headers: AUTH, payload: { dataset: 'ds_bench', adapter_name: 'bench' } })
  const job = await stack.waitJob(res.json().job_id, 600_000)
  if (job.status !== 'succeeded') throw new Error(job.error)
  const relayed = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000
  const record = (await stack.gateway.inject({ url: `/v1/training-jobs/${res.json().id}`, headers: AUTH })).json()
  if (record.loss_points !== steps) throw new Error(`expected ${steps} loss points, got ${record.loss_points}`)
  console.log(`steps=${steps}: trainer alone ${alone.toFixed(2)} s (${Math.round(steps / alone)} steps/s); as a job ${relayed.toFixed(2)} s (${Math.round(steps / relayed)} steps/s, incl. start and publication); ` +
    `relay overhead ${((relayed - alone) / steps * 1000).toFixed(2)} ms/step; trainer service peak RSS ${Math.round(peakRssMb(proc.child.pid!))} MB; load average at end ${loadavg()[0].toFixed(1)}`)
} finally {
  await datasets?.stop()
  await stack.stop()
}
