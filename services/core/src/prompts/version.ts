// Prompt contract version. Bump PROMPT_VERSION whenever any rendered byte changes for the same
// spec, so datasets, caches and eval runs built on different prompts never mix.
import type { CotLayout } from './messages.js'

export const PROMPT_VERSION = 'cookbook-1'

export type PromptOptions = {
  // Rows per table in the recipe's dormant sample-rows format; 0/undefined = none (recipe).
  sample_rows?: number
  // Comments from database_description/*.csv after each CREATE TABLE; off in the recipe.
  column_descriptions?: boolean
  // Llama 3 token limit per chat example: over-length examples are reported, never cut.
  token_budget?: number
}

export type PromptSpec = {
  preset: 'cookbook'
  options?: PromptOptions
  // Layout of CoT training examples (cotMessages); 'cookbook' unless set.
  cot_layout?: CotLayout
}

export function normalizeOptions (o: PromptOptions = {}): { sample_rows: number, column_descriptions: boolean, token_budget: number | null } {
  const rows = o.sample_rows ?? 0
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`sample_rows must be a non-negative integer, got ${rows}`)
  const budget = o.token_budget ?? null
  if (budget !== null && (!Number.isSafeInteger(budget) || budget <= 0)) throw new RangeError(`token_budget must be a positive integer, got ${budget}`)
  return { sample_rows: rows, column_descriptions: o.column_descriptions === true, token_budget: budget }
}

// 'cookbook-1' for the recipe itself; options that change rendered text are appended, e.g.
// 'cookbook-1+rows3+desc+unified'. token_budget renders nothing, so it is not part of it.
export function promptVersion (spec: PromptSpec = { preset: 'cookbook' }): string {
  if (spec.preset !== 'cookbook') throw new RangeError(`unknown prompt preset ${JSON.stringify(spec.preset)}`)
  const o = normalizeOptions(spec.options)
  let v = PROMPT_VERSION
  if (o.sample_rows > 0) v += `+rows${o.sample_rows}`
  if (o.column_descriptions) v += '+desc'
  if (spec.cot_layout === 'unified') v += '+unified'
  return v
}
