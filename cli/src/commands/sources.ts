import type { Command } from 'commander'
import { Option } from 'commander'
import { ctxOf, print } from '../context.js'
import { unwrap, withDefaults } from '../client.js'
import { table } from '../format.js'
import { awaitJob } from '../jobrun.js'
import type { components } from '../generated/api.js'

type Source = components['schemas']['Source']

const describe = (s: Source) => `${s.name} (${s.id}): ${s.question_count} questions, ${s.database_count} databases`

export function sourcesCommand (program: Command): void {
  const sources = program.command('sources').description('Registered BIRD-layout sources: questions file and databases')

  sources.command('add').argument('<name>', 'a unique name')
    .requiredOption('--questions <path>', 'questions JSON, relative to DATA_DIR or a T2S_SOURCE_ROOTS folder')
    .requiredOption('--databases <path>', 'folder of <db_id>/<db_id>.sqlite, resolved like --questions')
    .description('Register a questions file and its databases as a source')
    .action(async (name: string, opts: { questions: string, databases: string }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const source = await unwrap(ctx.client.POST('/v1/sources', { body: { name, questions: opts.questions, databases: opts.databases } }))
      print(ctx, source, () => describe(source))
    })

  sources.command('list').description('Registered sources').action(async (_o, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const list = await unwrap(ctx.client.GET('/v1/sources'))
    print(ctx, list, () => table(['ID', 'NAME', 'QUESTIONS', 'DATABASES', 'DIFFICULTIES'], list.items.map((s) => [s.id, s.name, String(s.question_count), String(s.database_count), Object.entries(s.difficulty_counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ')])))
  })

  sources.command('show').argument('<id>', 'source id or name').description('A source').action(async (id: string, _o, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const source = await unwrap(ctx.client.GET('/v1/sources/{id}', { params: { path: { id } } }))
    print(ctx, source, () => [describe(source), `  questions: ${source.questions}`, `  databases: ${source.databases}`, `  db_ids: ${source.db_ids.join(', ')}`].join('\n'))
  })

  sources.command('download').argument('<name>', 'name of the source to register')
    .addOption(new Option('--split <split>', 'official BIRD archive to fetch when --from is absent').choices(['dev', 'train']).default('dev'))
    .option('--from <url>', 'a zip archive in BIRD layout instead of the official one')
    .option('--sha256 <hex>', 'expected sha256 of the archive')
    .option('--wait', 'follow the job to its end with a progress bar', true)
    .option('--no-wait', 'print the job and return')
    .description('Download a BIRD-layout zip, unpack it and register it (a job, with a progress bar in bytes)')
    .action(async (name: string, opts: { split: 'dev' | 'train', from?: string, sha256?: string, wait: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const body = { name, split: opts.split, ...(opts.from === undefined ? {} : { url: opts.from }), ...(opts.sha256 === undefined ? {} : { sha256: opts.sha256 }) }
      // The server fills in the limits' defaults.
      const accepted = await unwrap(ctx.client.POST('/v1/sources/download', { body: withDefaults<'/v1/sources/download'>(body) }))
      process.exitCode = await awaitJob(ctx, accepted, opts, async () => {
        const source = await unwrap(ctx.client.GET('/v1/sources/{id}', { params: { path: { id: name } } }))
        return { data: source, text: () => describe(source) }
      })
    })
}
