// A database's schema text as every prompt of the suite sees it: rendered by core's
// PromptBuilder, never by a copy of its rules, so the console shows what the model reads.
import { existsSync } from 'node:fs'
import type { DatabaseSchema } from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import { PromptBuilder, defaultDescriptionDir } from '@t2s/core/prompts'
import { databaseFile } from '@t2s/core/sources'
import type { SourceRegistry } from './registry.js'

export function databaseSchema (sources: SourceRegistry, input: { id: string, db_id: string, sample_rows: number, column_descriptions: boolean }): DatabaseSchema {
  const source = sources.resolve(input.id)
  if (!source.db_ids.includes(input.db_id)) throw new ServiceError('NOT_FOUND', `source "${source.name}" has no database "${input.db_id}"`)
  const builder = new PromptBuilder({ preset: 'cookbook', options: { sample_rows: input.sample_rows, column_descriptions: input.column_descriptions } })
  const dbPath = databaseFile(source.databases_path, input.db_id)
  return {
    source_id: source.id,
    db_id: input.db_id,
    prompt_version: builder.version,
    sample_rows: input.sample_rows,
    column_descriptions: input.column_descriptions,
    has_descriptions: existsSync(defaultDescriptionDir(dbPath)),
    schema: builder.schema(dbPath)
  }
}
