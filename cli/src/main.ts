import { Command, CommanderError } from 'commander'
import { datasetsCommand } from './commands/datasets.js'
import { evalCommand } from './commands/eval.js'
import { jobsCommand } from './commands/jobs.js'
import { sourcesCommand } from './commands/sources.js'
import { sqlCommand } from './commands/sql.js'
import { statusCommand } from './commands/status.js'
import { trainCommand } from './commands/train.js'
import { DEFAULT_URL } from './config.js'
import { CliError, EXIT } from './errors.js'

const program = new Command('t2s')
  .description('Command-line client of the text-to-SQL suite')
  .version('0.1.0')
  .option('--url <url>', `API base URL (env T2S_URL; default ${DEFAULT_URL})`)
  .option('--api-key <key>', 'API key (env T2S_API_KEY; else DATA_DIR/api-key of a local suite)')
  .option('--json', 'print machine-readable JSON')
  .showHelpAfterError('(t2s --help lists the commands; t2s COMMAND --help its options)')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str) })

statusCommand(program)
sourcesCommand(program)
datasetsCommand(program)
trainCommand(program)
evalCommand(program)
jobsCommand(program)
sqlCommand(program)
// Usage errors exit 2 like HTTP errors; commander's own default is 1, which means "job failed" here.
for (const cmd of [program, ...allCommands(program)]) cmd.exitOverride()

function allCommands (c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)])
}

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage
  } else if (err instanceof CliError) {
    process.stderr.write(`t2s: ${err.message}\n`)
    process.exitCode = err.exitCode
  } else {
    process.stderr.write(`t2s: ${(err as Error).message}\n`)
    process.exitCode = EXIT.usage
  }
}
