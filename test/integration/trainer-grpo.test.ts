// A GRPO training job end to end with the scripted trainer: the trainer service turns an SFT
// dataset of bird-sample train into GRPO prompts with their question_ids, starts `grpo` with the
// reward endpoint, and the scripted trainer scores its completions through the real gateway's
// POST /v1/rewards (the evaluator's scorer); the service relays every step's rewards on SSE, in
// GET /v1/training-jobs/{id} and beside the loss in loss.svg.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { FAKE_PYTHON, writeFakeScript } from '../fake-trainer/index.js'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()

function parseSse (body: string): Array<{ event: string, data: any }> {
  return body.split('\n\n').flatMap((block) => {
    const event = /^event: (.+)$/m.exec(block)?.[1]
    const d = /^data: (.+)$/m.exec(block)?.[1]
    return event && d ? [{ event, data: JSON.parse(d) }] : []
  })
}

describe('GRPO training job with the scripted trainer and the real reward API', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let datasetId: string
  const scriptFile = join(process.env.TMPDIR ?? '/tmp', `fake-trainer-grpo-${process.pid}.json`)
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => await stack.gateway.inject({ method, url, headers: AUTH, payload })

  before(async () => {
    writeFakeScript(scriptFile, { default: { step_ms: 5 } })
    stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data! })
    // The trainer's runs call the gateway over HTTP, so it listens here (loopback, a free port).
    await stack.gateway.listen({ host: '127.0.0.1', port: 0 })
    const port = (stack.gateway.server.address() as { port: number }).port
    await stack.startService('trainer', {
      T2S_TRAINER_PYTHON: FAKE_PYTHON,
      T2S_FAKE_TRAINER_SCRIPT: scriptFile,
      T2S_REWARD_URL: `http://127.0.0.1:${port}`,
      T2S_REWARD_API_KEY: AUTH.authorization.slice('Bearer '.length)
    })
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
    const res = await inject('POST', '/v1/datasets', { source: 'train', kind: 'sft', limit: 60, test_size: 0.25, seed: 7 })
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id, 120_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    datasetId = res.json().id
  })
  after(async () => { await stack?.stop() })

  test('runs end to end: prompts paired with their questions, rewards scored by the API and relayed', async () => {
    const G = 4
    const P = 3
    const steps = 4
    const res = await inject('POST', '/v1/training-jobs', { dataset: datasetId, method: 'grpo', base_model: 'fake-grpo', grpo: { max_steps: steps, group_size: G, prompts_per_step: P, reward: { format: 0.5 }, save_steps: 2 } })
    assert.equal(res.statusCode, 202, res.body)
    const accepted = res.json()
    const job = await stack.waitJob(accepted.job_id, 120_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))

    // The prompt file: the dataset's train lines in order, each with its question's id.
    const run = join(stack.dataDir, 'trainer', 'runs', accepted.id)
    const prompts = readFileSync(join(run, 'prompts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const trainLines = (await inject('GET', `/v1/datasets/${datasetId}/files/train`)).body.trim().split('\n').map((l) => JSON.parse(l))
    assert.equal(prompts.length, trainLines.length)
    const questions = JSON.parse(readFileSync(join(data!, 'bird-sample', 'train.json'), 'utf8')) as Array<{ question: string, SQL: string }>
    for (const [i, p] of prompts.entries()) {
      assert.deepEqual(p.messages, trainLines[i].messages)
      const q = questions[p.question_id]
      assert.equal(p.messages.at(-1).content, q.SQL)
      assert.ok(p.messages[1].content.includes(q.question))
    }
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'))
    assert.equal(config.reward_source, 'train')
    assert.equal(config.reward_format, 0.5)
    assert.equal(config.reward_api_key, undefined) // the key travels in the environment only

    // What the scripted trainer sent, scored again here: the relayed figures are the API's.
    const expected = []
    for (let step = 1; step <= steps; step++) {
      const items = []
      for (let p = 0; p < P; p++) {
        const q = prompts[((step - 1) * P + p) % prompts.length]
        for (let j = 0; j < G; j++) items.push({ question_id: q.question_id, completion: j < Math.min(G, step) ? '```sql\n' + q.messages.at(-1).content + '\n```' : j % 2 ? 'SELECT 1' : 'SELEC nothing' })
      }
      const scored = (await inject('POST', '/v1/rewards', { source: 'train', items, reward: { format: 0.5 } })).json()
      expected.push({ reward_mean: scored.mean_reward, accuracy: scored.ex })
    }
    const view = await (await inject('GET', `/v1/training-jobs/${accepted.id}`)).json()
    assert.equal(view.method, 'grpo')
    assert.equal(view.loss.length, steps)
    for (const [i, point] of view.loss.entries()) {
      assert.ok(Math.abs(point.reward_mean - expected[i].reward_mean) < 1e-9, `step ${i + 1}: ${point.reward_mean} vs ${expected[i].reward_mean}`)
      assert.equal(point.accuracy, expected[i].accuracy)
      assert.equal(point.clip_fraction, 0)
      assert.equal(point.rollout_tokens_per_s, 2100.5)
      assert.equal(point.kl, null)
    }
    // Every step adds one more gold answer per group: the reward climbs.
    assert.ok(expected.at(-1)!.reward_mean > expected[0].reward_mean)
    assert.equal(view.artifacts.kind, 'adapter')
    assert.equal(view.manifest.trainer.command, 't2s_trainer grpo')
    assert.deepEqual(view.hyperparameters, { max_steps: steps, group_size: G, prompts_per_step: P, reward: { format: 0.5 }, save_steps: 2 })

    const sse = parseSse((await inject('GET', `/v1/jobs/${accepted.job_id}/events`)).body)
    const metrics = sse.filter((e) => e.event === 'metric').map((e) => e.data.data)
    assert.deepEqual(metrics.map((m) => m.step), [1, 2, 3, 4])
    assert.deepEqual(metrics.map((m) => m.reward_mean), view.loss.map((p: { reward_mean: number }) => p.reward_mean))

    const svg = (await inject('GET', `/v1/training-jobs/${accepted.id}/loss.svg`)).body
    assert.match(svg, /mean reward of the rollouts/)
    assert.match(svg, /training loss/)
    assert.match(svg, new RegExp(`step ${steps} of ${steps}: reward ${expected.at(-1)!.reward_mean.toPrecision(4)}`))
  })

  test('bad requests are 400s naming the problem; nothing is started', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ dataset: 'cot_abc', method: 'grpo' }, /GRPO trains on the prompts of an SFT dataset/],
      [{ dataset: datasetId, method: 'grpo', hyperparameters: { learning_rate: 1e-5 } }, /takes its settings in `grpo`/],
      [{ dataset: datasetId, method: 'lora', grpo: { group_size: 4 } }, /grpo settings apply to method "grpo" only/],
      [{ dataset: datasetId, method: 'grpo', grpo: { temperature: 'NaN' } }, /grpo\.temperature must be number/],
      [{ dataset: datasetId, method: 'grpo', grpo: { group_size: 1 } }, /grpo\.group_size must be >= 2/],
      [{ dataset: datasetId, method: 'grpo', grpo: { group_size: 64, prompts_per_step: 16 } }, /at most 512 completions/],
      [{ dataset: datasetId, method: 'grpo', grpo: { reward: { correct: 1e9 } } }, /grpo\.reward\.correct must be <= 100/],
      [{ dataset: datasetId, method: 'grpo', grpo: { init_adapter: 'no-such-adapter' } }, /not a published LoRA adapter/]
    ]
    const before = (await inject('GET', '/v1/training-jobs')).json().total
    for (const [payload, want] of cases) {
      const res = await inject('POST', '/v1/training-jobs', payload)
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} → ${res.body}`)
      assert.match(res.json().detail, want)
    }
    assert.equal((await inject('GET', '/v1/training-jobs')).json().total, before)
  })

  test('a dataset whose lines lack their gold SQL is refused', async () => {
    const res = await inject('POST', '/v1/datasets', { source: 'train', kind: 'sft', limit: 20, test_size: 0.5, seed: 3 })
    const job = await stack.waitJob(res.json().job_id, 120_000)
    assert.equal(job.status, 'succeeded')
    const id = res.json().id
    const file = join(stack.dataDir, 'artifacts', 'datasets', id, 'train.jsonl')
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    lines[2].messages.at(-1).content = 'Let me think about it.'
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const bad = await inject('POST', '/v1/training-jobs', { dataset: id, method: 'grpo' })
    assert.equal(bad.statusCode, 400, bad.body)
    assert.match(bad.json().detail, /line 3 lacks its question's gold SQL/)
  })
})
