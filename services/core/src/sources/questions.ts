import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { JobFailure, ServiceError } from '../errors.js'
import type { Difficulty, Question } from '../contracts/sources.js'
import { overLimit, TEXT_LIMITS } from '../contracts/limits.js'

const DB_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const DIFFICULTIES = new Set(['simple', 'moderate', 'challenging'])

export interface ParsedQuestions {
  questions: Question[]
  sha256: string
}

/**
 * Reads a BIRD (or Spider) questions file and checks every item, naming the first bad
 * one as `questions[i].field`. Spider's `query` is accepted as the SQL, a missing
 * evidence becomes "" (the recipe injects it as is).
 */
export function parseQuestionsFile (path: string): ParsedQuestions {
  const bytes = readFileSync(path)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  let data: unknown
  try {
    data = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new ServiceError('BAD_REQUEST', 'questions: the file is not valid JSON')
  }
  if (!Array.isArray(data)) throw new ServiceError('BAD_REQUEST', 'questions: the file must hold a JSON array of questions')
  if (data.length === 0) throw new ServiceError('BAD_REQUEST', 'questions: the file holds no questions')
  return { questions: data.map((raw, index) => parseQuestion(raw, index)), sha256 }
}

function parseQuestion (raw: unknown, index: number): Question {
  const at = (field: string) => `questions[${index}].${field}`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`questions[${index}] must be an object`)
  const r = raw as Record<string, unknown>
  if (typeof r.db_id !== 'string' || !DB_ID.test(r.db_id)) throw bad(`${at('db_id')} must be a database name (letters, digits, _ . -)`)
  if (typeof r.question !== 'string' || r.question.trim() === '') throw bad(`${at('question')} must be a non-empty string`)
  const sql = typeof r.SQL === 'string' ? r.SQL : typeof r.query === 'string' ? r.query : undefined
  if (sql === undefined || sql.trim() === '') throw bad(`${at('SQL')} must be a non-empty string (BIRD "SQL" or Spider "query")`)
  if (r.evidence !== undefined && r.evidence !== null && typeof r.evidence !== 'string') throw bad(`${at('evidence')} must be a string`)
  // Bounded here, before any tokenising or prompting can choke on one huge item.
  for (const [field, text, limit] of [['question', r.question, TEXT_LIMITS.question], ['SQL', sql, TEXT_LIMITS.sql], ['evidence', r.evidence ?? '', TEXT_LIMITS.evidence]] as const) {
    if ((text as string).length > limit) throw bad(overLimit(at(field), (text as string).length, limit))
  }
  let difficulty: Difficulty | null = null
  if (r.difficulty !== undefined && r.difficulty !== null) {
    if (typeof r.difficulty !== 'string' || !DIFFICULTIES.has(r.difficulty)) throw bad(`${at('difficulty')} must be simple, moderate or challenging`)
    difficulty = r.difficulty as Difficulty
  }
  let questionId: number | null = null
  if (r.question_id !== undefined && r.question_id !== null) {
    if (!Number.isInteger(r.question_id)) throw bad(`${at('question_id')} must be an integer`)
    questionId = r.question_id as number
  }
  return { index, question_id: questionId, db_id: r.db_id, question: r.question, evidence: (r.evidence as string | undefined) ?? '', sql, difficulty }
}

const bad = (message: string) => new ServiceError('BAD_REQUEST', message)

/** `<databases>/<db_id>/<db_id>.sqlite`, the BIRD layout. */
export const databaseFile = (databasesDir: string, dbId: string) => `${databasesDir}/${dbId}/${dbId}.sqlite`

/** Fails a job whose questions need a database file that is gone from the source's folder. */
export function checkDatabaseFiles (databasesDir: string, questions: Question[]): void {
  for (const dbId of new Set(questions.map((q) => q.db_id))) {
    if (!existsSync(databaseFile(databasesDir, dbId))) {
      throw new JobFailure(`database file ${dbId}/${dbId}.sqlite is missing from the source's databases folder (removed after registration?)`)
    }
  }
}

/**
 * Loads a registered source's questions for another service, refusing a file that
 * changed since registration (its items would no longer match what was counted).
 */
export function loadRegisteredQuestions (path: string, expectedSha256: string): Question[] {
  const parsed = parseQuestionsFile(path)
  if (parsed.sha256 !== expectedSha256) throw new ServiceError('CONFLICT', 'the source questions file changed since it was registered; register it again')
  return parsed.questions
}
