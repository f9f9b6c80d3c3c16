import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import { ctxOf, print } from '../context.js'
import { unwrap, withDefaults } from '../client.js'
import { ProblemError } from '../errors.js'
import { table } from '../format.js'
import { awaitJob } from '../jobrun.js'
import type { components } from '../generated/api.js'

type Dataset = components['schemas']['Dataset']

export const int = (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer')
  return n
}
export const num = (v: string) => {
  const n = Number(v)
  if (!Number.isFinite(n)) throw new InvalidArgumentError('not a number')
  return n
}

const describe = (d: Dataset) => `${d.id} (${d.kind}) ${d.status}: ${JSON.stringify(d.counts)}`

export function datasetsCommand (program: Command): void {
  const datasets = program.command('datasets').description('Training datasets built from a source: sft (gold SQL) or cot (teacher reasoning)')

  datasets.command('create')
    .addOption(new Option('--kind <kind>', 'sft: gold SQL as the answer; cot: teacher chains of thought').choices(['sft', 'cot']).makeOptionMandatory())
    .requiredOption('--source <source>', 'source id or name')
    .option('--test-size <share>', 'share of examples in the test split (0-1)', num)
    .option('--seed <n>', 'split seed', int)
    .option('--limit <n>', 'only the first n questions', int)
    .option('--teacher-model <name>', 'cot: the teacher model to ask')
    .option('--concurrency <n>', 'cot: questions in flight', int)
    .option('--wait', 'follow the job to its end with a progress bar', true)
    .option('--no-wait', 'print the job and return')
    .description('Build a dataset (a job)')
    .action(async (o: { kind: 'sft' | 'cot', source: string, testSize?: number, seed?: number, limit?: number, teacherModel?: string, concurrency?: number, wait: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const body: Record<string, unknown> = { kind: o.kind, source: o.source, test_size: o.testSize, seed: o.seed, limit: o.limit }
      if (o.kind === 'cot') Object.assign(body, { concurrency: o.concurrency, ...(o.teacherModel === undefined ? {} : { teacher: { model: o.teacherModel } }) })
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k]
      const accepted = await unwrap(ctx.client.POST('/v1/datasets', { body: withDefaults<'/v1/datasets'>(body) }))
      process.exitCode = await awaitJob(ctx, accepted, o, async () => {
        const d = await unwrap(ctx.client.GET('/v1/datasets/{id}', { params: { path: { id: accepted.id } } }))
        return { data: d, text: () => describe(d) }
      })
    })

  datasets.command('list').description('Datasets, newest first').action(async (_o, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const list = await unwrap(ctx.client.GET('/v1/datasets'))
    print(ctx, list, () => table(['ID', 'KIND', 'STATUS', 'SOURCE', 'CREATED'], list.items.map((d) => [d.id, d.kind, d.status, d.source.name, d.created_at])))
  })

  datasets.command('show').argument('<id>').description('A dataset: status, counts, token statistics').action(async (id: string, _o, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const d = await unwrap(ctx.client.GET('/v1/datasets/{id}', { params: { path: { id } } }))
    print(ctx, d, () => describe(d))
  })

  datasets.command('pull').argument('<id>')
    .addOption(new Option('--split <split>', 'which split').choices(['train', 'test']).default('train'))
    .requiredOption('-o, --output <file>', 'where to write the JSON lines ("-": stdout)')
    .description('Download a split as JSON lines ({"messages": [...]} per line)')
    .action(async (id: string, o: { split: 'train' | 'test', output: string }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const res = await ctx.client.GET('/v1/datasets/{id}/files/{split}', { params: { path: { id, split: o.split } }, parseAs: 'stream' })
      if (!res.response.ok || res.data === undefined || res.data === null) throw new ProblemError(res.response.status, res.error as { detail?: string } | null, res.response.statusText)
      const body = Readable.fromWeb(res.data as import('node:stream/web').ReadableStream)
      if (o.output === '-') {
        await pipeline(body, process.stdout, { end: false })
        return
      }
      let bytes = 0
      body.on('data', (c: Buffer) => { bytes += c.length })
      await pipeline(body, createWriteStream(o.output))
      print(ctx, { id, split: o.split, file: o.output, bytes }, () => `wrote ${o.output} (${bytes} bytes)`)
    })
}
