/**
 * The public surface of @t2s/core/models: model-server registry and clients.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { envServer, registeredServerClients } from './clients.js'
export { ModelServerRegistry, openModelServersBucket } from './servers.js'
export type { ResolvedServer } from './servers.js'
