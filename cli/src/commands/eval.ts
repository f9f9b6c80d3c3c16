import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { Option } from 'commander'
import { ctxOf, print, type Ctx } from '../context.js'
import { formBody, unwrap, withDefaults } from '../client.js'
import { CliError } from '../errors.js'
import { LEVELS, pValue, scorerTable, table, withInterval } from '../format.js'
import { awaitJob } from '../jobrun.js'
import type { components } from '../generated/api.js'
import { int, num } from './datasets.js'

type Evaluation = components['schemas']['Evaluation']
type Comparison = components['schemas']['Comparison']
const STATUSES = ['correct', 'wrong_result', 'pred_error', 'pred_timeout', 'rejected', 'no_sql', 'gold_error', 'gold_timeout', 'llm_error']

const header = (e: Evaluation) => `${e.id} ${e.status}: ${e.model === null ? 'predictions file' : `model ${e.model} on server ${e.server ?? 'student'}`} on ${e.source.name}, ${e.counts.total}/${e.counts.planned} questions scored`

/** The report as the official scorer prints it, after a line naming the run. */
export function reportText (e: Evaluation): string {
  const counts = { simple: e.counts.simple, moderate: e.counts.moderate, challenging: e.counts.challenging, total: e.counts.total }
  const statuses = Object.entries(e.statuses).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ')
  return `${header(e)}\n${scorerTable(counts, e.ex, e.soft_f1)}\n${statuses}`
}

export function evalCommand (program: Command): void {
  const ev = program.command('eval')
    .description('Score a predictions file or a served model (BIRD EX and Soft-F1); show and compare evaluations')
    .option('--source <source>', 'source id or name')
    .option('--predictions <file>', 'the official predict_dev.json ({"0": "SQL\\t----- bird -----\\tdb_id", …})')
    .option('--model <name>', "a model or LoRA adapter to ask (default: the server's default model)")
    .option('--server <name>', 'the model server to ask (t2s status lists them; default student)')
    .option('--limit <n>', 'only the first n questions', int)
    .option('--timeout-s <s>', 'limit per question (default 30)', num)
    .option('--concurrency <n>', 'questions in flight', int)
    .addOption(new Option('--system-prompt <kind>', 'evaluation system prompt').choices(['plain', 'reasoning']))
    .option('--samples <n>', 'answers per question (majority vote above 1)', int)
    .option('--wait', 'follow the job to its end with a progress bar', true)
    .option('--no-wait', 'print the job and return')
    .action(async (o: { source?: string, predictions?: string, model?: string, server?: string, limit?: number, timeoutS?: number, concurrency?: number, systemPrompt?: string, samples?: number, wait: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      if (o.source === undefined) throw new CliError('eval needs --source (or a subcommand: show, compare, list); see t2s eval --help')
      const served = o.model !== undefined || o.server !== undefined
      if ((o.predictions === undefined) === !served) throw new CliError('eval needs exactly one of --predictions FILE or --model NAME (and/or --server NAME)')
      const options = { limit: o.limit, timeout_s: o.timeoutS, concurrency: o.concurrency, system_prompt: o.systemPrompt, samples: o.samples }
      const body: Record<string, unknown> = { source: o.source, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) }
      let request
      if (served) {
        const target = { ...(o.model === undefined ? {} : { model: o.model }), ...(o.server === undefined ? {} : { server: o.server }) }
        request = ctx.client.POST('/v1/evaluations', { body: withDefaults<'/v1/evaluations'>({ ...body, ...target }) })
      } else {
        // The official file goes up as it is (multipart): the server checks it and says what is wrong.
        const form = new FormData()
        for (const [k, v] of Object.entries(body)) form.append(k, String(v))
        form.append('predictions', new Blob([readPredictions(o.predictions!)], { type: 'application/json' }), basename(o.predictions!))
        request = ctx.client.POST('/v1/evaluations', { body: formBody<'/v1/evaluations'>(form) })
      }
      const accepted = await unwrap(request)
      process.exitCode = await awaitJob(ctx, accepted, o, async () => {
        const e = await report(ctx, accepted.id)
        return { data: e, text: () => reportText(e) }
      })
    })

  ev.command('list').option('--limit <n>', 'at most this many', int, 20).description('Evaluations, newest first').action(async (o: { limit: number }, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const list = await unwrap(ctx.client.GET('/v1/evaluations', { params: { query: { limit: o.limit } } }))
    print(ctx, list, () => table(['ID', 'STATUS', 'SOURCE', 'MODEL', 'SCORED', 'EX', 'SOFT-F1', 'CREATED'], list.items.map((e: Evaluation) => [e.id, e.status, e.source.name, e.model ?? '(file)', `${e.counts.total}/${e.counts.planned}`, e.ex.total.toFixed(2), e.soft_f1.total.toFixed(2), e.timing.created_at])))
  })

  ev.command('show').argument('<id>', 'evaluation id')
    .option('--items', 'list the scored questions too')
    .addOption(new Option('--status <status>', 'with --items: only questions of this status').choices(STATUSES))
    .option('--limit <n>', 'with --items: at most this many', int, 50)
    .description("The report, as the official scorer's table (count, EX, Soft-F1 by difficulty)")
    .action(async (id: string, o: { items?: boolean, status?: string, limit: number }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const e = await report(ctx, id)
      if (o.items !== true) {
        print(ctx, e, () => reportText(e))
        return
      }
      const page = await unwrap(ctx.client.GET('/v1/evaluations/{id}/items', { params: { path: { id }, query: { limit: o.limit, offset: 0, ...(o.status === undefined ? {} : { status: o.status as 'correct' }) } } }))
      print(ctx, { ...e, items: page }, () => `${reportText(e)}\n\n${page.total} question${page.total === 1 ? '' : 's'}${o.status === undefined ? '' : ` ${o.status}`}${page.items.length < page.total ? `, first ${page.items.length}` : ''}:\n` +
        table(['#', 'DB', 'DIFFICULTY', 'STATUS', 'SQL'], page.items.map((i) => [String(i.index), i.db_id, i.difficulty ?? '', i.status, oneLine(i.sql ?? '', 100)])))
    })

  ev.command('compare').argument('<ids...>', '2 to 8 evaluation ids of the same questions')
    .option('--flips <n>', 'show the first n flipped questions of each pair', int, 10)
    .option('--resamples <n>', 'bootstrap resamples', int)
    .option('--seed <n>', 'bootstrap seed', int)
    .description('EX and Soft-F1 with 95 % intervals, paired differences, McNemar p-values and flips')
    .action(async (ids: string[], o: { flips: number, resamples?: number, seed?: number }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const cmp = await unwrap(ctx.client.GET('/v1/evaluations/compare', { params: { query: { ids: ids.join(','), ...(o.resamples === undefined ? {} : { resamples: o.resamples }), ...(o.seed === undefined ? {} : { seed: o.seed }) } as { ids: string, resamples: number, seed: number } } }))
      const flips = await Promise.all(cmp.pairs.map(async (p) => o.flips === 0
        ? { items: [], total: p.buckets.total.right_to_wrong + p.buckets.total.wrong_to_right }
        : await unwrap(ctx.client.GET('/v1/evaluations/compare/flips', { params: { query: { a: p.a, b: p.b, limit: o.flips, offset: 0 } } }))))
      print(ctx, { ...cmp, flips: cmp.pairs.map((p, i) => ({ a: p.a, b: p.b, ...flips[i] })) }, () => compareText(cmp, flips))
    })
}

async function report (ctx: Ctx, id: string): Promise<Evaluation> {
  return await unwrap(ctx.client.GET('/v1/evaluations/{id}', { params: { path: { id } } }))
}

function readPredictions (file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

type FlipPage = { items: Array<{ index: number, db_id: string, difficulty: string | null, direction: string, a: { status: string, sql: string | null }, b: { status: string, sql: string | null } }>, total: number }

/** The comparison table with intervals, then each pair's differences, test and flips. */
export function compareText (cmp: Comparison, flips: FlipPage[]): string {
  const lines: string[] = []
  const letter = (i: number) => String.fromCharCode(65 + i)
  lines.push(`${cmp.compared} of ${cmp.questions} questions of ${cmp.source.name} compared${cmp.partial ? ' (partial: an evaluation is unfinished, failed or cancelled)' : ''}`)
  cmp.evaluations.forEach((e, i) => lines.push(`  ${letter(i)} = ${e.id} (${e.model ?? 'predictions file'}, ${e.status}${e.partial ? `, ${e.scored}/${e.planned} scored` : ''})`))
  lines.push('')
  const rows: string[][] = [['count', ...LEVELS.map((l) => String(cmp.evaluations[0].buckets[l].n))]]
  cmp.evaluations.forEach((e, i) => rows.push([`EX ${letter(i)}`, ...LEVELS.map((l) => withInterval(e.buckets[l].ex))]))
  cmp.evaluations.forEach((e, i) => rows.push([`Soft-F1 ${letter(i)}`, ...LEVELS.map((l) => withInterval(e.buckets[l].soft_f1))]))
  cmp.pairs.forEach((p) => {
    const a = letter(cmp.ids.indexOf(p.a)); const b = letter(cmp.ids.indexOf(p.b))
    rows.push([`EX ${b}-${a}`, ...LEVELS.map((l) => withInterval(p.buckets[l].ex_diff, true))])
    rows.push([`Soft-F1 ${b}-${a}`, ...LEVELS.map((l) => withInterval(p.buckets[l].soft_f1_diff, true))])
    rows.push([`McNemar p ${a}/${b}`, ...LEVELS.map((l) => pValue(p.buckets[l].mcnemar_p))])
    rows.push([`flips ${a}→${b}`, ...LEVELS.map((l) => `-${p.buckets[l].right_to_wrong} +${p.buckets[l].wrong_to_right}`)])
  })
  lines.push(table(['', ...LEVELS], rows))
  lines.push('', `95 % intervals: EX ${cmp.method.ex_interval}; Soft-F1 ${cmp.method.soft_f1_interval}; differences ${cmp.method.difference_interval}, ${cmp.method.resamples} resamples, seed ${cmp.method.seed}. p: ${cmp.method.test}. flips: -right→wrong +wrong→right.`)
  cmp.pairs.forEach((p, i) => {
    const page = flips[i]
    if (page.items.length === 0) return
    const a = letter(cmp.ids.indexOf(p.a)); const b = letter(cmp.ids.indexOf(p.b))
    lines.push('', `First flipped questions ${a}→${b} (${page.items.length} of ${page.total}):`)
    for (const f of page.items) {
      lines.push(`  #${f.index} ${f.db_id} ${f.difficulty ?? ''} ${f.direction === 'right_to_wrong' ? 'right→wrong' : 'wrong→right'}`)
      lines.push(`    ${a} ${f.a.status}: ${oneLine(f.a.sql ?? '(none)', 110)}`)
      lines.push(`    ${b} ${f.b.status}: ${oneLine(f.b.sql ?? '(none)', 110)}`)
    }
  })
  return lines.join('\n')
}
