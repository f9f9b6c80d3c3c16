/**
 * The public surface of @t2s/core/nats: connecting, calling services, serving endpoints.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { callService } from './client.js'
export { connectNats } from './connect.js'
export { serveEndpoints } from './service.js'
export type { Endpoint } from './service.js'
