import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { FAKE_PYTHON } from '../fake-trainer/index.js'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()

// The real dataset service builds an SFT dataset from bird-sample; the trainer service
// resolves it through dataset_file and trains on it (with the scripted trainer).
describe('training on a dataset built by the dataset service', { skip: data ? false : SKIP_NO_DATA, timeout: 180_000 }, () => {
  let stack: Stack

  before(async () => {
    stack = await startStack(['dataset', 'trainer'], { T2S_SOURCE_ROOTS: data!, T2S_TRAINER_PYTHON: FAKE_PYTHON })
  })
  after(async () => { await stack?.stop() })

  test('the train split of an SFT dataset is what the trainer reads', async () => {
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
    const ds = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload: { source: 'train', kind: 'sft', limit: 24, gold_check: 'keep' } })
    assert.equal(ds.statusCode, 202, ds.body)
    assert.equal((await stack.waitJob(ds.json().job_id, 120_000)).status, 'succeeded')
    const dataset = (await stack.gateway.inject({ url: `/v1/datasets/${ds.json().id}`, headers: AUTH })).json()

    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/training-jobs', headers: AUTH, payload: { dataset: dataset.id, adapter_name: 'bird-sample-lora', hyperparameters: { num_epochs: 1 } } })
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id, 60_000)
    assert.equal(job.status, 'succeeded', job.error)
    const training = (await stack.gateway.inject({ url: `/v1/training-jobs/${res.json().id}`, headers: AUTH })).json()
    assert.equal(training.run.info.num_examples, dataset.counts.train)
    assert.equal(training.manifest.dataset.sha256, dataset.files.train.sha256)
    assert.equal(training.loss.length, Math.ceil(dataset.counts.train / 8))
    assert.match(training.artifacts.note, /no student server configured/)
  })
})
