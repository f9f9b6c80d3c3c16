/**
 * The one error vocabulary of the suite. Services throw `ServiceError`s with a code
 * from this table, reply with it over NATS, and the gateway maps it to HTTP once.
 * Codes are transport-neutral; `httpStatus` is only read at the HTTP edge.
 */
export const ErrorCodes = {
  BAD_REQUEST: { code: 400, title: 'Bad Request' },
  UNAUTHORIZED: { code: 401, title: 'Unauthorized' },
  NOT_FOUND: { code: 404, title: 'Not Found' },
  METHOD_NOT_ALLOWED: { code: 405, title: 'Method Not Allowed' },
  REQUEST_TIMEOUT: { code: 408, title: 'Request Timeout' },
  CONFLICT: { code: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { code: 413, title: 'Payload Too Large' },
  URI_TOO_LONG: { code: 414, title: 'URI Too Long' },
  UNSUPPORTED_MEDIA_TYPE: { code: 415, title: 'Unsupported Media Type' },
  UNPROCESSABLE: { code: 422, title: 'Unprocessable Content' },
  TOO_MANY_REQUESTS: { code: 429, title: 'Too Many Requests' },
  HEADERS_TOO_LARGE: { code: 431, title: 'Request Header Fields Too Large' },
  INTERNAL: { code: 500, title: 'Internal Server Error' },
  UNAVAILABLE: { code: 503, title: 'Service Unavailable' },
  TIMEOUT: { code: 504, title: 'Gateway Timeout' },
  INSUFFICIENT_STORAGE: { code: 507, title: 'Insufficient Storage' }
} as const

export type ErrorCodeName = keyof typeof ErrorCodes

const byNumber = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCodes).map(([name, v]) => [v.code, name as ErrorCodeName])
)

export class ServiceError extends Error {
  readonly codeName: ErrorCodeName

  constructor (codeName: ErrorCodeName, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ServiceError'
    this.codeName = codeName
  }

  get code (): number { return ErrorCodes[this.codeName].code }
  get title (): string { return ErrorCodes[this.codeName].title }

  /** Rebuilds an error received as a numeric code (NATS service error header). */
  static fromCode (code: number, message: string): ServiceError {
    return new ServiceError(byNumber.get(code) ?? 'INTERNAL', message)
  }
}

/** The table's name for an HTTP status; a status outside the table falls to its class (4xx → BAD_REQUEST, else INTERNAL). */
export function codeNameOf (status: number): ErrorCodeName {
  return byNumber.get(status) ?? (status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL')
}

/** An RFC 9457 problem body (the API's ProblemSchema); `detail` must already be safe to show (no stack, path or SQL). */
export interface ProblemBody { type: string, title: string, status: number, detail: string, instance?: string }

/**
 * Formats an error as a problem: `type` is `urn:t2s:problem:<code name in kebab case>`, the
 * title comes from the table. The status is kept even where the table has no entry for it.
 */
export function toProblem (status: number, detail: string, instance?: string): ProblemBody {
  const name = codeNameOf(status)
  const body: ProblemBody = { type: `urn:t2s:problem:${name.toLowerCase().replaceAll('_', '-')}`, title: ErrorCodes[name].title, status, detail }
  if (instance !== undefined) body.instance = instance
  return body
}

export const badRequest = (message: string) => new ServiceError('BAD_REQUEST', message)
export const notFound = (message: string) => new ServiceError('NOT_FOUND', message)
export const conflict = (message: string) => new ServiceError('CONFLICT', message)
export const unavailable = (message: string) => new ServiceError('UNAVAILABLE', message)

/** Errors a job handler throws when retrying cannot help: the job fails with this message. */
export class JobFailure extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'JobFailure'
  }
}
