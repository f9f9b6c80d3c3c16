/**
 * The public surface of @t2s/core that every service uses: errors, configuration, logging
 * and the contracts (schemas, types, verbs). Areas with more (nats, jobs, sql, prompts, llm,
 * datasets) are imported by path, `@t2s/core/<area>/<module>`, until each has its own index.
 */
export * from './errors.js'
export * from './config.js'
export * from './log.js'
export * from './contracts/common.js'
export * from './contracts/subjects.js'
export * from './contracts/validate.js'
export * from './contracts/sources.js'
export * from './contracts/datasets.js'
export * from './contracts/downloads.js'
export * from './contracts/evaluations.js'
export * from './contracts/sql.js'
export * from './contracts/training.js'
