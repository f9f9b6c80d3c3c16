/**
 * The public surface of @t2s/core: errors, configuration, logging, paths, the state database, service start-up, version.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { ConfigError, envSchema, listOf, loadConfig } from './config.js'
export { ErrorCodes, JobFailure, ServiceError, badRequest, conflict, notFound, toProblem, unavailable } from './errors.js'
export type { ErrorCodeName } from './errors.js'
export { createLogger, formatLine, logDestination } from './log.js'
export type { Logger } from './log.js'
export { resolveInsideRoots } from './paths.js'
export { runService } from './service-main.js'
export { deleteJobRows, openStateDb } from './state-db.js'
export type { StateDb } from './state-db.js'
export { codeVersion } from './version.js'
