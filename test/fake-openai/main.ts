// CLI for the fake OpenAI server: a TEST STAND-IN for vLLM, never a feature and never for production.
// It lets a person try the suite locally without a GPU:
//   npx tsx test/fake-openai/main.ts --port 8001 --script gold
//   TEACHER_BASE_URL=http://127.0.0.1:8001/v1 STUDENT_BASE_URL=http://127.0.0.1:8001/v1 npm start
// Scripts: gold (default; echoes the teacher prompt's gold SQL in a ```sql block, else SELECT 1),
// echo (returns the last user message), flaky (gold, with a 503 on every fifth call).
import { parseArgs } from 'node:util'
import { scripts } from './scripts.js'
import { startFakeOpenAI } from './server.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8001' },
    host: { type: 'string', default: '127.0.0.1' },
    script: { type: 'string', default: 'gold' },
    'api-key': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    model: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (values.help) {
  console.log('usage: tsx test/fake-openai/main.ts [--port 8001] [--host 127.0.0.1] [--script gold|echo|flaky] [--api-key KEY] [--latency-ms 0] [--model NAME]...')
  console.log('A test stand-in for vLLM\'s OpenAI-compatible server. Not a model.')
  process.exit(0)
}

const answer = scripts[values.script]
if (answer === undefined) {
  console.error(`unknown --script ${values.script}; choose one of ${Object.keys(scripts).join(', ')}`)
  process.exit(2)
}

const fake = await startFakeOpenAI({
  port: Number(values.port),
  host: values.host,
  apiKey: values['api-key'],
  latencyMs: Number(values['latency-ms']),
  models: values.model,
  answer
})
console.log(`fake OpenAI server (test stand-in for vLLM) on ${fake.url} script=${values.script} models=${(values.model ?? ['teacher', 'student']).join(',')}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    fake.close().then(() => process.exit(0), () => process.exit(1))
  })
}
