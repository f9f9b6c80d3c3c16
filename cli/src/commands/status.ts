import type { Command } from 'commander'
import { ctxOf, print } from '../context.js'
import { unwrap } from '../client.js'
import { EXIT } from '../errors.js'

export function statusCommand (program: Command): void {
  program.command('status')
    .description('Readiness of the gateway, NATS and each service, and the models the teacher and student servers serve')
    .action(async (_opts, cmd: Command) => {
      const ctx = ctxOf(cmd)
      // /readyz answers 503 with the same body while something is down.
      const ready = await ctx.client.GET('/readyz').then((r) => (r.data ?? r.error) as { status: string, nats: boolean, services: Record<string, boolean> })
        .catch((err: Error & { cause?: Error }) => { throw new Error(`cannot reach the API at ${ctx.config.url}: ${err.cause?.message ?? err.message}`) })
      const models = ready.status === 'ready' ? await unwrap(ctx.client.GET('/v1/models')) : null
      print(ctx, { url: ctx.config.url, ...ready, models }, () => {
        const lines = [`${ctx.config.url}: ${ready.status}`, `  nats: ${ready.nats ? 'up' : 'down'}`]
        for (const [name, up] of Object.entries(ready.services)) lines.push(`  ${name}: ${up ? 'up' : 'down'}`)
        if (models !== null) {
          // Every model server: the environment's teacher and student, then the registered ones.
          for (const { name: role, ...m } of models.servers) {
            const state = !m.configured ? 'not configured' : !m.available ? `unavailable${m.error === null ? '' : ` (${m.error})`}` : m.models.map((x) => x.parent === null ? x.id : `${x.id} (adapter of ${x.parent})`).join(', ') || 'no models'
            lines.push(`  ${role}: ${state}`)
          }
        }
        return lines.join('\n')
      })
      process.exitCode = ready.status === 'ready' ? EXIT.ok : EXIT.usage
    })
}
