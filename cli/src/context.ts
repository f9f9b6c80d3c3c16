import type { Command } from 'commander'
import { makeClient, type Client } from './client.js'
import { resolveConfig, type Config } from './config.js'

export interface Ctx { client: Client, config: Config, json: boolean }

/** The client and output mode from the global options (--url, --api-key, --json). */
export function ctxOf (cmd: Command): Ctx {
  const opts = cmd.optsWithGlobals<{ url?: string, apiKey?: string, json?: boolean }>()
  const config = resolveConfig(opts)
  return { client: makeClient(config), config, json: opts.json === true }
}

/** Prints the result: JSON for --json, else the human form. */
export function print (ctx: Ctx, data: unknown, human: () => string): void {
  process.stdout.write((ctx.json ? JSON.stringify(data, null, 2) : human()) + '\n')
}
