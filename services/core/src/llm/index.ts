// Public API of the LLM layer: `import { createLlmClient, extractSql } from '@t2s/core/llm'`.
export { createLlmClient } from './client.js'
export type { ChatRequest, ChatResult, ChatUsage, LlmClient, LlmClientOptions, LlmClientStats, LlmLogger, LlmMessage, LlmModel } from './client.js'
export { LlmError, isRetryableKind } from './errors.js'
export type { LlmErrorKind } from './errors.js'
export { DEFAULT_RETRY_POLICY } from './backoff.js'
export type { RetryPolicy } from './backoff.js'
export { extractSql, recipeExactMatch, recipeTeacherSql, cutStatement } from './extract-sql.js'
export type { ExtractHow, ExtractMode, ExtractedSql } from './extract-sql.js'
