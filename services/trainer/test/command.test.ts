import assert from 'node:assert/strict'
import { test } from 'node:test'
import { trainerCommand, trainerEnv } from '../src/command.js'

test('one GPU runs the module directly with the configured interpreter', () => {
  assert.deepEqual(trainerCommand({ python: '/venv/bin/python', gpus: 1 }, '/d/config.json'), { file: '/venv/bin/python', args: ['-m', 't2s_trainer', 'sft', '--config', '/d/config.json'] })
})

test('several GPUs go through accelerate launch of the same interpreter', () => {
  assert.deepEqual(trainerCommand({ python: 'python3', gpus: 4 }, 'c.json'), {
    file: 'python3',
    args: ['-m', 'accelerate.commands.launch', '--num_processes', '4', '--num_machines', '1', '--multi_gpu', '--mixed_precision', 'no', '--dynamo_backend', 'no', '-m', 't2s_trainer', 'sft', '--config', 'c.json']
  })
  assert.deepEqual(trainerCommand({ python: 'python3', gpus: 2, accelerateConfig: '/cfg/fsdp.yaml' }, 'c.json').args.slice(0, 8),
    ['-m', 'accelerate.commands.launch', '--num_processes', '2', '--num_machines', '1', '--config_file', '/cfg/fsdp.yaml'])
})

test("the trainer's environment has the trainer folder on PYTHONPATH and none of the API's keys", () => {
  const env = trainerEnv({ PATH: '/bin', PYTHONPATH: '/x', T2S_API_KEYS: 'k', STUDENT_API_KEY: 's', TEACHER_API_KEY: 't', HF_TOKEN: 'hf' }, '/repo/trainer-gpu')
  assert.equal(env.PYTHONPATH, '/repo/trainer-gpu:/x')
  assert.equal(env.PYTHONUNBUFFERED, '1')
  assert.equal(env.HF_TOKEN, 'hf', 'the trainer may need the hub token for gated weights')
  for (const k of ['T2S_API_KEYS', 'STUDENT_API_KEY', 'TEACHER_API_KEY']) assert.equal(env[k], undefined, k)
  assert.equal(trainerEnv({ PATH: '/bin' }, undefined).PYTHONPATH, undefined)
})
