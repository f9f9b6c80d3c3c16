import { pino, type Logger } from 'pino'

export type { Logger }

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'apiKey', '*.apiKey', 'api_key', '*.api_key', 'authorization', '*.authorization',
  'req.headers.authorization', 'headers.authorization', 'T2S_API_KEYS', '*.T2S_API_KEYS',
  'TEACHER_API_KEY', '*.TEACHER_API_KEY', 'STUDENT_API_KEY', '*.STUDENT_API_KEY', 'HF_TOKEN', '*.HF_TOKEN'
]

export function createLogger (name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: name, pid: process.pid }
  })
}
