/** Exit codes: 0 success, 1 the job failed or was cancelled, 2 usage or HTTP error. */
export const EXIT = { ok: 0, jobFailed: 1, usage: 2 } as const

/** An error the CLI reports in one plain line and exits with. */
export class CliError extends Error {
  constructor (message: string, readonly exitCode: number = EXIT.usage) {
    super(message)
    this.name = 'CliError'
  }
}

/** An RFC 9457 problem answer of the API, printed as its status, title and detail. */
export class ProblemError extends CliError {
  constructor (readonly status: number, readonly problem: { title?: string, detail?: string } | null, fallback: string) {
    super(problem?.detail !== undefined ? `${status} ${problem.title ?? ''}: ${problem.detail}` : `${status}: ${fallback}`)
  }
}
