import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Service } from '@nats-io/services'
import { createLogger } from '@t2s/core'
import { serveEndpoints } from '@t2s/core/nats'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

// The real trainer (python3 -m t2s_trainer sft from trainer-gpu/) on a machine without
// torch: the job must fail fast, saying what is missing.
const python = spawnSync('python3', ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("torch") is None else 3)'])
const skip = python.error ? 'needs python3' : python.status === 3 ? 'torch is installed here: the GPU test suite covers the real trainer' : false

describe('a real training job where torch is not installed', { skip, timeout: 60_000 }, () => {
  let stack: Stack
  let datasets: Service

  before(async () => {
    stack = await startStack(['trainer'])
    const rel = 'datasets/ds_real/train.jsonl'
    mkdirSync(join(stack.dataDir, 'datasets', 'ds_real'), { recursive: true })
    writeFileSync(join(stack.dataDir, rel), JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'SELECT 1' }] }) + '\n')
    datasets = await serveEndpoints(stack.nc, { name: 'dataset', version: '0.0.0', description: 'test stand-in', log: createLogger('t', 'silent') }, {
      dataset_file: { handler: () => ({ path: rel, bytes: 1 }) }
    })
  })
  after(async () => {
    await datasets?.stop()
    await stack?.stop()
  })

  // A missing package is not retried: one attempt, failed, the message names it.
  test('fails on its first attempt with a message naming torch', async () => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/training-jobs', headers: AUTH, payload: { dataset: 'ds_real', adapter_name: 'real' } })
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id, 60_000)
    assert.equal(job.status, 'failed')
    assert.match(job.error, /No module named 'torch'/)
    assert.match(job.error, /the Python package "torch" is missing/)
    const record = (await stack.gateway.inject({ url: `/v1/training-jobs/${res.json().id}`, headers: AUTH })).json()
    assert.equal(record.status, 'failed')
    assert.equal(record.run.attempts, 1)
  })
})
