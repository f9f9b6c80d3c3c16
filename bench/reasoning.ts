/**
 * CoT dataset throughput against a slow teacher (issue 5):
 *   npx tsx bench/reasoning.ts [--n 500] [--latency 500] [--levels 1,8,32,64] [--validation execution]
 * The fake OpenAI server answers every teacher prompt with its gold SQL after `latency` ms;
 * the reasoning service builds a CoT dataset over the first n bird-sample dev questions at
 * each concurrency, each level with its own model name so that no answer comes from the
 * cache. Reported: items/s from the job's start to its last committed item, and from start
 * to succeeded (the finish writes the files and counts tokens), against the ideal
 * concurrency / latency, and beside it the same prompts sent by a bare LLM client with no
 * service at all (the ceiling of client and fake on this machine). The service's main thread
 * reports its CPU time and how long it was runnable but waited for a CPU (/proc schedstat).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadavg } from 'node:os'
import { eventSubject } from '@t2s/core/contracts'
import { createLlmClient, type LlmMessage } from '@t2s/core/llm'
import type { JobEvent } from '@t2s/core/jobs'
import { startFakeOpenAI, type FakeOpenAI } from '../test/fake-openai/server.js'
import { sharedData } from '../test/helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    latency: { type: 'string', default: '500' },
    levels: { type: 'string', default: '1,8,32,64' },
    validation: { type: 'string', default: 'execution' }
  }
})
const n = Number(values.n)
const latency = Number(values.latency)
const levels = values.levels!.split(',').map(Number)
const data = sharedData()
if (!data) throw new Error('needs ../shared/data (or T2S_SHARED_DATA)')

/** The reasoning process's main thread: nanoseconds on a CPU and waiting in a run queue for one (Linux). */
function schedstat (pid: number): { run: number, wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number)
  return { run, wait }
}

/** What the openai client and the fake reach on this machine by themselves: the job's prompts sent again, c at a time. */
async function bareClient (fake: FakeOpenAI, c: number, prompts: LlmMessage[][]): Promise<number> {
  const client = createLlmClient({ name: 'bare', baseUrl: fake.url, model: `teacher-c${c}`, concurrency: c })
  const t = performance.now()
  await Promise.all(prompts.map(async (messages) => await client.chat({ messages, temperature: 0 })))
  return prompts.length / ((performance.now() - t) / 1000)
}

/**
 * The stamp of the progress event of a job's last committed item. Subscribed to every job's
 * events before the POST (the job id comes with its answer, long before its last item).
 */
function lastItemTime (stack: Stack): { forJob: (jobId: string) => void, done: Promise<number> } {
  const sub = stack.nc.subscribe(eventSubject('>'))
  let wanted = ''
  const done = (async () => {
    for await (const m of sub) {
      const e = m.json<JobEvent>()
      if (e.job_id === wanted && e.progress !== undefined && e.progress.done >= n) {
        sub.unsubscribe()
        return Date.parse(e.time)
      }
    }
    throw new Error('no event for the last item')
  })()
  return { done, forJob: (jobId) => { wanted = jobId } }
}

// Both started inside the try: a stack that fails to start does not leave the fake server running.
let fake: FakeOpenAI | undefined
let stack: Stack | undefined
try {
  fake = await startFakeOpenAI({ latencyMs: latency, models: levels.map((c) => `teacher-c${c}`) })
  stack = await startStack(['dataset', 'reasoning'], { T2S_SOURCE_ROOTS: data, TEACHER_BASE_URL: fake.url, TEACHER_MODEL: `teacher-c${levels[0]}`, LOG_LEVEL: 'warn' })
  console.log(`machine: ${machine()}; load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log(`${n} bird-sample dev questions, teacher latency ${latency} ms, validation ${values.validation}`)
  await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
  for (const c of levels) {
    const watch = lastItemTime(stack)
    const pid = stack.procs.get('reasoning')!.child.pid!
    const sched0 = schedstat(pid)
    const res = await stack.gateway.inject({
      method: 'POST',
      url: '/v1/datasets',
      headers: AUTH,
      payload: { source: 'dev', kind: 'cot', limit: n, concurrency: c, validation: values.validation, teacher: { model: `teacher-c${c}` } }
    })
    if (res.statusCode !== 202) throw new Error(res.body)
    const jobId = res.json().job_id as string
    // The worker's own event stamps, not polling: the progress event of the last committed item.
    watch.forJob(jobId)
    const itemsDoneAt = await watch.done
    const job = await stack.waitJob(jobId, 900_000)
    const sched1 = schedstat(pid)
    if (job.status !== 'succeeded') throw new Error(`c=${c}: ${job.status} ${job.error}`)
    const started = Date.parse(job.started_at)
    const finished = Date.parse(job.finished_at)
    const items = n / ((itemsDoneAt - started) / 1000)
    const whole = n / ((finished - started) / 1000)
    const ideal = c * 1000 / latency
    const firstCall = Math.min(...fake.calls.filter((x) => x.model === `teacher-c${c}`).map((x) => x.time)) - started
    const d = (await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}`, headers: AUTH })).json()
    const calls = fake.calls.filter((x) => x.model === `teacher-c${c}`).length
    console.log(`concurrency ${String(c).padStart(2)}: ${items.toFixed(2)} items/s (${(100 * items / ideal).toFixed(1)} % of ${ideal}), whole job ${whole.toFixed(2)} items/s (${(100 * whole / ideal).toFixed(1)} %); kept ${d.counts.kept}, ${calls} teacher calls (the first ${firstCall} ms after the start), most teacher requests in flight so far ${fake.stats().maxInFlight}`)
    // At concurrency 1 a sample does (the full set would take n × latency again).
    const sample = fake.calls.filter((x) => x.model === `teacher-c${c}`).map((x) => x.messages as LlmMessage[]).slice(0, c === 1 ? 100 : n)
    const ceiling = await bareClient(fake, c, sample)
    console.log(`  the same ${sample.length} prompts from a bare LLM client at concurrency ${c}, no service: ${ceiling.toFixed(2)} requests/s (${(100 * ceiling / ideal).toFixed(1)} %)`)
    console.log(`  reasoning main thread: ${Math.round((sched1.run - sched0.run) / 1e6)} ms on a CPU (${((sched1.run - sched0.run) / 1e6 / n).toFixed(1)} ms per item), ${Math.round((sched1.wait - sched0.wait) / 1e6)} ms runnable but waiting for one; load average ${loadavg()[0].toFixed(1)}`)
  }
} finally {
  try {
    await stack?.stop()
  } finally {
    await fake?.close()
  }
}
