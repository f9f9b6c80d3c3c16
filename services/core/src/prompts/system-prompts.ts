// The recipe's exact system prompts (docs/recipe-formats.md §3).
export const SYSTEM_PROMPTS = {
  // SFT training, and eval of base models ('huggingface' mode / Llama API).
  plain: 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, translate the following text question into a SQLite SQL select statement.',
  // Eval of fine-tuned models ('finetuned' mode): "and then the final".
  reasoning: 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, generate the step-by-step reasoning and then the final SQLite SQL select statement from the text question.',
  // CoT training: "and the final" (no "then"), so recipe eval differs from training by one word.
  cot: 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, generate the step-by-step reasoning and the final SQLite SQL select statement from the text question.'
} as const

export type SystemPromptName = keyof typeof SYSTEM_PROMPTS
