import type { Command } from 'commander'
import { Option } from 'commander'
import { ctxOf } from '../context.js'
import { unwrap, withDefaults } from '../client.js'
import { awaitJob } from '../jobrun.js'
import { int, num } from './datasets.js'

export function trainCommand (program: Command): void {
  program.command('train')
    .requiredOption('--dataset <id>', 'dataset id (its train split is used)')
    .option('--base-model <model>', 'hub id or folder; default the trainer\'s T2S_TRAINER_BASE_MODEL')
    .addOption(new Option('--method <method>', 'fine-tuning method').choices(['lora', 'qlora', 'full']).default('lora'))
    .option('--adapter-name <name>', 'name to serve the adapter under')
    .option('--epochs <n>', 'epochs', int)
    .option('--max-steps <n>', 'stop after this many optimizer steps', int)
    .option('--lr <rate>', 'peak learning rate', num)
    .option('--wait', 'follow the job to its end with a progress bar', true)
    .option('--no-wait', 'print the job and return')
    .description('Fine-tune the student on a dataset (a job; the bar shows step, loss and tokens/s)')
    .action(async (o: { dataset: string, baseModel?: string, method: 'lora' | 'qlora' | 'full', adapterName?: string, epochs?: number, maxSteps?: number, lr?: number, wait: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const hyperparameters: Record<string, number> = {}
      if (o.epochs !== undefined) hyperparameters.num_epochs = o.epochs
      if (o.maxSteps !== undefined) hyperparameters.max_steps = o.maxSteps
      if (o.lr !== undefined) hyperparameters.learning_rate = o.lr
      const body = { dataset: o.dataset, method: o.method, hyperparameters, ...(o.baseModel === undefined ? {} : { base_model: o.baseModel }), ...(o.adapterName === undefined ? {} : { adapter_name: o.adapterName }) }
      const accepted = await unwrap(ctx.client.POST('/v1/training-jobs', { body: withDefaults<'/v1/training-jobs'>(body) }))
      process.exitCode = await awaitJob(ctx, accepted, o, async () => {
        const t = await unwrap(ctx.client.GET('/v1/training-jobs/{id}', { params: { path: { id: accepted.id } } }))
        const last = t.loss.at(-1)
        return { data: t, text: () => [`${t.id} ${t.status}: adapter ${t.adapter_name}, ${t.progress.step} steps`, last === undefined ? null : `  last loss ${last.loss ?? '-'} at step ${last.step}`, (t.throughput?.tokens_per_s_mean ?? null) === null ? null : `  ${Math.round(t.throughput!.tokens_per_s_mean!)} tokens/s mean`, t.artifacts.path === null ? null : `  ${t.artifacts.kind}: ${t.artifacts.path}`].filter((l) => l !== null).join('\n') }
      })
    })
}
