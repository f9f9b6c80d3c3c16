import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Service } from '@nats-io/services'
import { notFound, createLogger } from '@t2s/core'
import { serveEndpoints } from '@t2s/core/nats'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { FAKE_PYTHON, writeFakeScript } from '../fake-trainer/index.js'
import { waitFor } from '../helpers/processes.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

interface SseEvent { event: string, data: any }

function parseSse (body: string): SseEvent[] {
  return body.split('\n\n').flatMap((block) => {
    const event = /^event: (.+)$/m.exec(block)?.[1]
    const data = /^data: (.+)$/m.exec(block)?.[1]
    return event && data ? [{ event, data: JSON.parse(data) }] : []
  })
}

/** Running, as opposed to gone or a zombie not yet reaped. */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))
  } catch {
    return false
  }
}

describe('training jobs through gateway → NATS → trainer service, with the scripted trainer', { timeout: 180_000 }, () => {
  let stack: Stack
  let student: FakeOpenAI
  let datasetService: Service
  let reasoningService: Service
  const datasets = new Map<string, { path: string, bytes: number }>()
  const scriptFile = join(process.env.TMPDIR ?? '/tmp', `fake-trainer-script-${process.pid}.json`)

  const post = async (payload: object) => await stack.gateway.inject({ method: 'POST', url: '/v1/training-jobs', headers: AUTH, payload })
  const get = async (id: string) => (await stack.gateway.inject({ url: `/v1/training-jobs/${id}`, headers: AUTH })).json()
  const addDataset = (id: string, lines: number) => {
    const rel = `datasets/${id}/train.jsonl`
    mkdirSync(join(stack.dataDir, 'datasets', id), { recursive: true })
    const text = Array.from({ length: lines }, (_v, i) => JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: `q${i}` }, { role: 'assistant', content: 'SELECT 1' }] })).join('\n') + '\n'
    writeFileSync(join(stack.dataDir, rel), text)
    datasets.set(id, { path: rel, bytes: Buffer.byteLength(text) })
  }

  before(async () => {
    student = await startFakeOpenAI({ apiKey: 'student-key' })
    writeFakeScript(scriptFile, {
      default: { step_ms: 15 },
      'slow-model': { step_ms: 150, total_steps: 400 },
      'resumable-model': { step_ms: 120, total_steps: 30 },
      'held-model': { step_ms: 20, total_steps: 30, hold_after_steps: [12, 17] },
      'crashy-model': { step_ms: 20, total_steps: 12, crash_at_step: 7 },
      'oom-model': { error_at_step: 3, error_type: 'oom', error_message: 'OutOfMemoryError: CUDA out of memory (scripted)' },
      'no-peft-model': { exit_code_at_start: 1, stderr_at_start: "Traceback (most recent call last):\nModuleNotFoundError: No module named 'peft'" }
    })
    stack = await startStack(['trainer'], {
      T2S_TRAINER_PYTHON: FAKE_PYTHON,
      T2S_FAKE_TRAINER_SCRIPT: scriptFile,
      STUDENT_BASE_URL: student.url,
      STUDENT_API_KEY: 'student-key',
      T2S_TRAINER_ACK_WAIT_S: '3',
      // Every run here takes the multi-GPU path (accelerate launch), which the fake accepts.
      T2S_TRAINER_GPUS: '2',
      T2S_TRAINER_STOP_GRACE_S: '10'
    })
    // Stand-ins for the services that build datasets: they answer only dataset_file.
    const log = createLogger('fake-datasets', 'silent')
    const endpoints = {
      dataset_file: {
        handler: ({ id }: { id: string }) => {
          const file = datasets.get(id)
          if (!file) throw notFound(`dataset ${id} not found`)
          return file
        }
      }
    }
    datasetService = await serveEndpoints(stack.nc, { name: 'dataset', version: '0.0.0', description: 'test stand-in', log }, endpoints)
    reasoningService = await serveEndpoints(stack.nc, { name: 'reasoning', version: '0.0.0', description: 'test stand-in', log }, endpoints)
    addDataset('ds_small', 40)
    addDataset('cot_small', 16)
  })

  after(async () => {
    await datasetService?.stop()
    await reasoningService?.stop()
    await stack?.stop()
    await student?.close()
    rmSync(scriptFile, { force: true })
  })

  test('a run streams its loss as SSE, keeps the series, draws it, publishes the adapter and announces it to the student', async () => {
    const res = await post({ dataset: 'ds_small', adapter_name: 'sql-lora-1', hyperparameters: { num_epochs: 2, save_steps: 4 } })
    assert.equal(res.statusCode, 202, res.body)
    const accepted = res.json()
    assert.match(accepted.id, /^tj_/)
    assert.equal(accepted.status, 'queued')

    const sse = await stack.gateway.inject({ url: `/v1/jobs/${accepted.job_id}/events`, headers: AUTH })
    const events = parseSse(sse.body)
    const metrics = events.filter((e) => e.event === 'metric')
    // 40 examples / global batch 8 = 5 steps per epoch, 2 epochs.
    assert.deepEqual(metrics.map((e) => e.data.data.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.ok(metrics.every((e) => typeof e.data.data.loss === 'number' && e.data.data.tokens_per_s > 0))
    assert.ok(events.some((e) => e.event === 'progress' && e.data.progress.done === 10 && e.data.progress.total === 10))
    assert.equal(events.at(-1)!.data.status, 'succeeded')

    const job = await get(accepted.id)
    assert.equal(job.status, 'succeeded')
    assert.equal(job.adapter_name, 'sql-lora-1')
    assert.deepEqual(job.progress, { step: 10, total_steps: 10, epoch: 2 })
    assert.deepEqual(job.loss.map((p: { step: number }) => p.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.ok(job.loss[9].loss < job.loss[0].loss, 'the scripted loss falls')
    assert.equal(job.loss_points, 10)
    assert.equal(job.throughput.tokens_per_s_last, 7700.5)
    assert.equal(job.throughput.world_size, 2)
    assert.equal(job.config.train_files[0], 'datasets/ds_small/train.jsonl')
    assert.equal(job.config.resume, 'auto')
    assert.equal(job.run.attempts, 1)
    assert.equal(job.run.info.num_examples, 40)
    assert.equal(job.run.info.output_dir, `trainer/runs/${accepted.id}/out`)
    assert.equal(job.artifacts.kind, 'adapter')
    assert.equal(job.artifacts.path, 'artifacts/adapters/sql-lora-1')
    const folder = join(stack.dataDir, job.artifacts.path)
    const weights = readFileSync(join(folder, 'adapter_model.safetensors'))
    assert.equal(job.artifacts.files['adapter_model.safetensors'].sha256, createHash('sha256').update(weights).digest('hex'))
    assert.ok(existsSync(join(folder, 'training.json')))
    assert.equal(job.manifest.dataset.sha256, createHash('sha256').update(readFileSync(join(stack.dataDir, 'datasets/ds_small/train.jsonl'))).digest('hex'))
    assert.equal(job.artifacts.loaded.lora_name, 'sql-lora-1')
    assert.equal(job.artifacts.loaded.lora_path, folder)
    assert.equal(student.adapters.get('sql-lora-1'), folder)

    const chart = await stack.gateway.inject({ url: `/v1/training-jobs/${accepted.id}/loss.svg`, headers: AUTH })
    assert.equal(chart.statusCode, 200)
    assert.match(String(chart.headers['content-type']), /^image\/svg\+xml/)
    assert.match(chart.body, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    assert.equal((chart.body.match(/<polyline /g) ?? []).length, 2)
    assert.match(chart.body, /sql-lora-1: lora on ds_small/)
    assert.match(chart.body, /step 10 of 10: loss /)

    const list = (await stack.gateway.inject({ url: '/v1/training-jobs', headers: AUTH })).json()
    assert.ok(list.items.some((i: { id: string, status: string, last_loss: number }) => i.id === accepted.id && i.status === 'succeeded' && i.last_loss === job.loss[9].loss))
  })

  test('requests are checked before a job is made', async () => {
    const cases: Array<[object, number, RegExp]> = [
      [{ adapter_name: 'x' }, 400, /body must have required property 'dataset'/],
      [{ dataset: 'ds_small', adapter_name: '../evil' }, 400, /body\.adapter_name must match pattern/],
      [{ dataset: 'ds_small', method: 'dpo' }, 400, /body\.method/],
      [{ dataset: 'ds_small', hyperparameters: { learning_rate: -1 } }, 400, /body\.hyperparameters\.learning_rate/],
      [{ dataset: 'ds_small', hyperparameters: { per_device_batch_size: 3, global_batch_size: 8 } }, 400, /global_batch_size \(8\) must be a multiple of per_device_batch_size \(3\) × 2 GPU\(s\)/],
      [{ dataset: 'ds_small', base_model: '/etc' }, 400, /base_model is outside the allowed source roots/],
      [{ dataset: 'ds_small', base_model: 'org/../../etc' }, 400, /base_model must not contain '\.\.'/],
      [{ dataset: 'ds_missing' }, 404, /dataset "ds_missing" not found/],
      [{ dataset: 'ds_small', adapter_name: 'sql-lora-1' }, 409, /adapter_name "sql-lora-1" is taken by training job tj_/]
    ]
    for (const [payload, status, why] of cases) {
      const res = await post(payload)
      assert.equal(res.statusCode, status, `${JSON.stringify(payload)}: ${res.body}`)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.match(res.json().detail, why)
      assert.doesNotMatch(res.body, new RegExp(stack.dataDir))
    }
    const missing = await stack.gateway.inject({ url: '/v1/training-jobs/tj_nope', headers: AUTH })
    assert.equal(missing.statusCode, 404)
    const chart = await stack.gateway.inject({ url: '/v1/training-jobs/tj_nope/loss.svg', headers: AUTH })
    assert.equal(chart.statusCode, 404)
  })

  test('cancel makes the trainer checkpoint and stop', async () => {
    const res = await post({ dataset: 'cot_small', base_model: 'slow-model', adapter_name: 'to-cancel', hyperparameters: { save_steps: 100 } })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    await waitFor(async () => (await get(id)).progress.step >= 3, 20_000)
    const pidFile = join(stack.dataDir, 'trainer', 'runs', id, 'trainer.pid')
    const pid = JSON.parse(readFileSync(pidFile, 'utf8')).pid as number
    assert.ok(alive(pid))
    const stepAtCancel = (await get(id)).progress.step
    const cancel = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers: AUTH })
    assert.equal(cancel.json().status, 'cancelled')
    const job = await waitFor(async () => { const j = await get(id); return j.run.stopped?.startsWith('cancelled') ? j : null }, 10_000)
    // It stops right after the step in progress when SIGTERM came, not at the end of its 400 steps.
    const sigtermAfter = Number(readFileSync(join(stack.dataDir, 'trainer', 'runs', id, 'out', '.fake-sigterm-after-step'), 'utf8'))
    assert.ok(sigtermAfter >= stepAtCancel)
    assert.equal(job.progress.step, sigtermAfter + 1)
    assert.equal(job.status, 'cancelled')
    assert.equal(job.error, 'cancelled by request')
    assert.ok(!alive(pid), 'the trainer process is gone')
    assert.ok(!existsSync(pidFile))
    // The SIGTERM made it save where it stood (save_steps 100 would not have).
    assert.equal(job.run.checkpoint_step, job.progress.step)
    assert.ok(existsSync(join(stack.dataDir, 'trainer', 'runs', id, 'out', `checkpoint-${job.progress.step}`, 'trainer_state.json')))
    assert.match(job.run.stopped, new RegExp(`checkpoint at step ${job.progress.step}`))
    // The loss series ends at the stop, and the trainer that could add to it is gone (asserted above).
    assert.equal(job.loss.at(-1).step, job.progress.step)
    assert.deepEqual((await get(id)).loss, job.loss, 'no step after the stop')
    assert.ok(!student.adapters.has('to-cancel'))
  })

  test('a trainer service killed mid-run resumes the job from the last checkpoint, with the steps its orphaned trainer logged', async () => {
    // The trainer holds after step 12 until released, so the service dies with exactly steps
    // 1-12 recorded; released, the orphan goes on past checkpoint 15 and holds after step 17,
    // logging 13-17 with no service to relay them; the successor stops it (it checkpoints at 17).
    const res = await post({ dataset: 'ds_small', base_model: 'held-model', adapter_name: 'resumed', hyperparameters: { save_steps: 5 } })
    const { id, job_id: jobId } = res.json()
    const run = join(stack.dataDir, 'trainer', 'runs', id)
    const out = join(run, 'out')
    const before = await waitFor(async () => { const j = await get(id); return j.loss.length === 12 ? j : null }, 20_000)
    assert.ok(existsSync(join(out, '.fake-held-at-12')))
    assert.equal(before.run.checkpoint_step, 10)
    const pid = JSON.parse(readFileSync(join(run, 'trainer.pid'), 'utf8')).pid as number
    await stack.procs.get('trainer')!.kill('SIGKILL')
    writeFileSync(join(out, '.fake-release-12'), '')
    await waitFor(async () => existsSync(join(out, '.fake-held-at-17')), 20_000)
    assert.ok(alive(pid), 'the orphan outlived its service')
    await stack.startService('trainer')
    const done = await stack.waitJob(jobId, 60_000)
    assert.equal(done.status, 'succeeded', done.error)
    assert.ok(!alive(pid), 'the orphaned trainer of the killed service is gone')
    const job = await get(id)
    assert.equal(job.run.attempts, 2)
    assert.equal(readFileSync(join(out, '.fake-sigterm-after-step'), 'utf8'), '17')
    assert.equal(job.run.resumed_from_step, 17)
    assert.deepEqual(job.loss.map((p: { step: number }) => p.step), Array.from({ length: 30 }, (_v, i) => i + 1), 'each step once')
    const reference = await post({ dataset: 'ds_small', base_model: 'resumable-model', adapter_name: 'uninterrupted', hyperparameters: { save_steps: 5 } })
    assert.equal((await stack.waitJob(reference.json().job_id, 60_000)).status, 'succeeded')
    assert.deepEqual(job.loss.map((p: { loss: number }) => p.loss), (await get(reference.json().id)).loss.map((p: { loss: number }) => p.loss), 'the same loss at each step as a run never interrupted')
    assert.equal(student.adapters.get('resumed'), join(stack.dataDir, 'artifacts/adapters/resumed'))
  })

  test('a trainer service stopped with SIGTERM has the trainer checkpoint, and its successor resumes there', async () => {
    const res = await post({ dataset: 'ds_small', base_model: 'resumable-model', adapter_name: 'shutdown', hyperparameters: { save_steps: 100 } })
    const { id, job_id: jobId } = res.json()
    await waitFor(async () => (await get(id)).progress.step >= 4, 20_000)
    const pid = JSON.parse(readFileSync(join(stack.dataDir, 'trainer', 'runs', id, 'trainer.pid'), 'utf8')).pid as number
    await stack.procs.get('trainer')!.kill('SIGTERM')
    assert.ok(!alive(pid), 'the trainer stopped with the service')
    // save_steps 100: the only checkpoint is the one the SIGTERM asked for.
    const out = join(stack.dataDir, 'trainer', 'runs', id, 'out')
    const saved = readdirSync(out).filter((n) => /^checkpoint-\d+$/.test(n))
    assert.equal(saved.length, 1)
    const step = Number(saved[0].split('-')[1])
    assert.ok(step >= 4 && existsSync(join(out, saved[0], 'trainer_state.json')))
    await stack.startService('trainer')
    const done = await stack.waitJob(jobId, 60_000)
    assert.equal(done.status, 'succeeded', done.error)
    const job = await get(id)
    assert.equal(job.run.attempts, 2)
    assert.equal(job.run.resumed_from_step, step)
    assert.equal(job.loss.length, 30)
  })

  test('a trainer that crashes is started again and resumes', async () => {
    const res = await post({ dataset: 'ds_small', base_model: 'crashy-model', adapter_name: 'crashy', hyperparameters: { save_steps: 5 } })
    const { id, job_id: jobId } = res.json()
    const done = await stack.waitJob(jobId, 60_000)
    assert.equal(done.status, 'succeeded', done.error)
    const job = await get(id)
    assert.equal(job.run.attempts, 2)
    assert.equal(job.run.resumed_from_step, 5)
    assert.equal(job.loss.length, 12)
  })

  test("a trainer error fails the job at once with the trainer's message", async () => {
    const res = await post({ dataset: 'ds_small', base_model: 'oom-model', adapter_name: 'oom' })
    const done = await stack.waitJob(res.json().job_id, 30_000)
    assert.equal(done.status, 'failed')
    assert.equal(done.error, 'trainer error (oom): OutOfMemoryError: CUDA out of memory (scripted)')
    const job = await get(res.json().id)
    assert.equal(job.run.attempts, 1)
    assert.equal(job.run.stopped, 'error (oom)')
    assert.equal(job.artifacts.path, null)
    // A failed name can be used again.
    const again = await post({ dataset: 'ds_small', adapter_name: 'oom' })
    assert.equal(again.statusCode, 202)
    assert.equal((await stack.waitJob(again.json().job_id, 30_000)).status, 'succeeded')
  })

  test('a trainer that exits without an event fails with the last line of its log', async () => {
    const res = await post({ dataset: 'ds_small', base_model: 'no-peft-model' })
    const done = await stack.waitJob(res.json().job_id, 30_000)
    assert.equal(done.status, 'failed')
    assert.match(done.error, /^the trainer exited with code 1: ModuleNotFoundError: No module named 'peft' \(the Python package "peft" is missing/)
  })
})
