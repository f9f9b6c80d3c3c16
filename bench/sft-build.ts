/**
 * SFT dataset build throughput and memory (issue 3):
 *   npx tsx bench/sft-build.ts [--sizes 2500,10000]
 * Repeats the bird-sample train questions into sources of each size, builds an SFT dataset
 * through the API with gold_check keep (build only), drop (every gold also executed in the
 * sandbox) and drop again (a rebuild: the gold verdicts are known), and reports examples/s
 * from the job's start and finish times and the peak RSS (VmHWM) of a fresh dataset-service
 * process per build. Each repeated gold SQL gets a leading comment naming its copy and the
 * size, so every gold is a distinct query the first time and no verdict is shared across sizes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { sharedData } from '../test/helpers/shared-data.js'
import { AUTH, startStack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '2500,10000' } } })
const data = sharedData()
if (!data) throw new Error('needs ../shared/data (or T2S_SHARED_DATA)')
const base = JSON.parse(readFileSync(join(data, 'bird-sample', 'train.json'), 'utf8')) as object[]

const stack = await startStack(['dataset'], { T2S_SOURCE_ROOTS: data })
const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
console.log(`machine: ${machine()}`)
try {
  for (const n of values.sizes!.split(',').map(Number)) {
    const questions = Array.from({ length: n }, (_, i) => {
      const q = base[i % base.length] as { SQL: string }
      return { ...q, SQL: `/* n=${n} copy ${Math.floor(i / base.length)} */ ${q.SQL}` }
    })
    writeFileSync(join(stack.dataDir, `train-${n}.json`), JSON.stringify(questions))
    await stack.registerSource(`train-${n}`, `train-${n}.json`, join(data, 'bird-sample', 'train_databases'))
    for (const [goldCheck, label] of [['keep', 'keep'], ['drop', 'drop'], ['drop', 'drop, rebuild']]) {
      // A fresh process per build, so its peak RSS belongs to this build alone.
      await stack.procs.get('dataset')!.kill('SIGTERM')
      const proc = await stack.startService('dataset', { LOG_LEVEL: 'info' })
      const res = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload: { source: `train-${n}`, kind: 'sft', gold_check: goldCheck } })
      const job = await stack.waitJob(res.json().job_id, 600_000)
      if (job.status !== 'succeeded') throw new Error(job.error)
      const seconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000
      const d = (await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}`, headers: AUTH })).json()
      const screen = d.stats.gold_check ? `, golds executed ${d.stats.gold_check.executed} / cached ${d.stats.gold_check.cached}` : ''
      console.log(`n=${n} gold_check=${label}: ${Math.round(n / seconds)} examples/s (${seconds.toFixed(2)} s)${screen}, dataset service peak RSS ${Math.round(peakRssMb(proc.child.pid!))} MB`)
    }
  }
} finally {
  await stack.stop()
}
