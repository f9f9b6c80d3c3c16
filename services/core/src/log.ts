import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'authorization', '*.authorization',
  'req.headers.authorization', 'headers.authorization', 'T2S_API_KEYS', '*.T2S_API_KEYS',
  'TEACHER_API_KEY', '*.TEACHER_API_KEY', 'STUDENT_API_KEY', '*.STUDENT_API_KEY', 'HF_TOKEN', '*.HF_TOKEN'
]

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
// Fields every line has, shown in the line's head or not at all.
const HEAD = new Set(['level', 'time', 'msg', 'service', 'pid', 'name', 'hostname'])

/**
 * One pino JSON line as a readable one: `12:03:04.005 INFO  dataset  ready port=4222`.
 * Nested values stay JSON; an error shows its message, its stack on the next lines.
 */
export function formatLine (json: string): string {
  let o: Record<string, unknown>
  try { o = JSON.parse(json) } catch { return json }
  const time = new Date(typeof o.time === 'number' ? o.time : Date.now()).toISOString().slice(11, 23)
  const level = (LEVELS[Number(o.level)] ?? String(o.level)).padEnd(5)
  const fields: string[] = []
  let stack = ''
  for (const [k, v] of Object.entries(o)) {
    if (HEAD.has(k) || v === undefined) continue
    if (k === 'err' && v !== null && typeof v === 'object') {
      const e = v as { message?: unknown, stack?: unknown }
      fields.push(`err=${JSON.stringify(e.message ?? '')}`)
      if (typeof e.stack === 'string') stack = '\n    ' + e.stack.split('\n').slice(1).map((l) => l.trim()).join('\n    ')
      continue
    }
    fields.push(`${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`)
  }
  return `${time} ${level} ${String(o.service ?? o.name ?? '').padEnd(9)} ${String(o.msg ?? '')}${fields.length ? '  ' + fields.join(' ') : ''}${stack}\n`
}

/**
 * Where log lines go: JSON on stdout when it is not a terminal (files, pipes, containers,
 * the tests) or with LOG_FORMAT=json; one readable line per entry on a terminal or with
 * LOG_FORMAT=pretty.
 */
export function logDestination (format = process.env.LOG_FORMAT): DestinationStream | undefined {
  const pretty = format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true)
  if (!pretty) return undefined
  return { write: (line: string) => { process.stdout.write(formatLine(line)) } }
}

export function createLogger (name: string, level = 'info'): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name, pid: process.pid }
  }
  const destination = logDestination()
  return destination ? pino(options, destination) : pino(options)
}
