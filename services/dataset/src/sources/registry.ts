import Database from 'better-sqlite3'
import type { Question, ResolvedSource, Source } from '@t2s/core/contracts'
import { ServiceError, resolveInsideRoots, type StateDb } from '@t2s/core'
import { databaseFile, parseQuestionsFile } from '@t2s/core/sources'
import { newId } from '@t2s/core/jobs'

interface SourceRow {
  id: string
  name: string
  questions: string
  databases: string
  questions_path: string
  databases_path: string
  questions_sha256: string
  question_count: number
  db_ids: string
  difficulty_counts: string
  created_at: string
}

/** Registered benchmark splits, kept in the dataset service's SQLite. */
export class SourceRegistry {
  // Prepared once: `row` runs on every request that names a source.
  private readonly byIdOrName
  private readonly all
  private readonly page

  constructor (private readonly db: StateDb, private readonly roots: string[]) {
    this.byIdOrName = db.prepare('SELECT * FROM sources WHERE id = ? OR name = ?')
    this.all = db.prepare('SELECT * FROM sources ORDER BY created_at DESC')
    this.page = db.prepare('SELECT idx AS "index", question_id, db_id, question, evidence, sql, difficulty FROM source_questions WHERE source_id = ? ORDER BY idx LIMIT ? OFFSET ?')
  }

  register (input: { name: string, questions: string, databases: string }): Source {
    if (this.db.prepare('SELECT 1 FROM sources WHERE name = ?').get(input.name)) {
      throw new ServiceError('CONFLICT', `a source named "${input.name}" already exists`)
    }
    const questionsPath = resolveInsideRoots(input.questions, this.roots, 'questions', 'file')
    const databasesPath = resolveInsideRoots(input.databases, this.roots, 'databases', 'dir')
    const { questions, sha256 } = parseQuestionsFile(questionsPath)
    const dbIds = this.checkDatabases(questions, databasesPath)
    const counts = { simple: 0, moderate: 0, challenging: 0, unknown: 0 }
    for (const q of questions) counts[q.difficulty ?? 'unknown']++
    const row: SourceRow = {
      id: newId('src'),
      name: input.name,
      questions: input.questions,
      databases: input.databases,
      questions_path: questionsPath,
      databases_path: databasesPath,
      questions_sha256: sha256,
      question_count: questions.length,
      db_ids: JSON.stringify(dbIds),
      difficulty_counts: JSON.stringify(counts),
      created_at: new Date().toISOString()
    }
    const insertQuestion = this.db.prepare('INSERT INTO source_questions (source_id, idx, question_id, db_id, question, evidence, sql, difficulty) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO sources (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`).run(...Object.values(row))
      for (const q of questions) insertQuestion.run(row.id, q.index, q.question_id, q.db_id, q.question, q.evidence, q.sql, q.difficulty)
    })()
    return toSource(row)
  }

  /** Every db_id must have `<db_id>/<db_id>.sqlite`, inside the roots, readable as SQLite. */
  private checkDatabases (questions: Question[], databasesPath: string): string[] {
    const firstUse = new Map<string, number>()
    for (const q of questions) if (!firstUse.has(q.db_id)) firstUse.set(q.db_id, q.index)
    for (const [dbId, index] of firstUse) {
      const where = `questions[${index}].db_id "${dbId}"`
      let file: string
      try {
        file = resolveInsideRoots(databaseFile(databasesPath, dbId), this.roots, where, 'file')
      } catch (err) {
        if (err instanceof ServiceError && /not found/.test(err.message)) {
          throw new ServiceError('BAD_REQUEST', `${where}: no ${dbId}/${dbId}.sqlite under databases`)
        }
        throw err
      }
      try {
        const db = new Database(file, { readonly: true, fileMustExist: true })
        try { db.prepare('SELECT count(*) FROM sqlite_master').get() } finally { db.close() }
      } catch {
        throw new ServiceError('BAD_REQUEST', `${where}: ${dbId}/${dbId}.sqlite is not a readable SQLite database`)
      }
    }
    return [...firstUse.keys()].sort()
  }

  /** Looks a source up by id or by name. */
  get (idOrName: string): Source {
    return toSource(this.row(idOrName))
  }

  resolve (idOrName: string): ResolvedSource {
    const row = this.row(idOrName)
    return {
      id: row.id,
      name: row.name,
      questions_path: row.questions_path,
      databases_path: row.databases_path,
      questions_sha256: row.questions_sha256,
      question_count: row.question_count,
      db_ids: JSON.parse(row.db_ids)
    }
  }

  list (): Source[] {
    return (this.all.all() as SourceRow[]).map(toSource)
  }

  /** The source's id and name, or null when none has that id or name. */
  find (idOrName: string): { id: string, name: string } | null {
    const row = this.byIdOrName.get(idOrName, idOrName) as SourceRow | undefined
    return row === undefined ? null : { id: row.id, name: row.name }
  }

  /** Forgets a registration (its row and question index); the files it points at stay. */
  remove (id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM source_questions WHERE source_id = ?').run(id)
      this.db.prepare('DELETE FROM sources WHERE id = ?').run(id)
    })()
  }

  questions (idOrName: string, offset: number, limit: number): { items: Question[], total: number } {
    const row = this.row(idOrName)
    const items = this.page.all(row.id, limit, offset) as Question[]
    return { items, total: row.question_count }
  }

  private row (idOrName: string): SourceRow {
    const row = this.byIdOrName.get(idOrName, idOrName) as SourceRow | undefined
    if (!row) throw new ServiceError('NOT_FOUND', `source "${idOrName}" not found`)
    return row
  }
}

function toSource (row: SourceRow): Source {
  const dbIds = JSON.parse(row.db_ids) as string[]
  return {
    id: row.id,
    name: row.name,
    questions: row.questions,
    databases: row.databases,
    question_count: row.question_count,
    database_count: dbIds.length,
    db_ids: dbIds,
    difficulty_counts: JSON.parse(row.difficulty_counts),
    questions_sha256: row.questions_sha256,
    created_at: row.created_at
  }
}
