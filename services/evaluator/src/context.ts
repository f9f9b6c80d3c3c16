import type { Question } from '@t2s/core/contracts'
import { databaseFile, loadRegisteredQuestions } from '@t2s/core/sources'
import type { EvaluationOptions, EvaluationRow, EvaluationStore } from './store.js'

export interface EvalContext {
  row: EvaluationRow
  options: EvaluationOptions
  /** The evaluated questions (the first `planned` of the source), by position. */
  questions: Question[]
  dbPath: (dbId: string) => string
  /** sha256 of each database file, from the manifest the plan wrote (the gold cache key). */
  dbSha: Map<string, string>
}

const KEEP = 16

/**
 * What every item of an evaluation needs, loaded once per process from the evaluation's
 * row and the source's questions file (checked against its registered digest), so a
 * restarted process resumes with nothing but its state DB.
 */
export class Contexts {
  private readonly cache = new Map<string, EvalContext>()

  constructor (private readonly store: EvaluationStore) {}

  get (evalId: string): EvalContext {
    const hit = this.cache.get(evalId)
    if (hit !== undefined) return hit
    const row = this.store.get(evalId)
    const questions = loadRegisteredQuestions(row.questions_path, row.questions_sha256).slice(0, row.planned)
    const manifest = JSON.parse(row.manifest) as { databases?: Record<string, string> }
    const ctx: EvalContext = {
      row,
      options: JSON.parse(row.options) as EvaluationOptions,
      questions,
      dbPath: (dbId) => databaseFile(row.databases_path, dbId),
      dbSha: new Map(Object.entries(manifest.databases ?? {}))
    }
    this.cache.set(evalId, ctx)
    if (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value as string)
    return ctx
  }

  forget (evalId: string): void {
    this.cache.delete(evalId)
  }
}
