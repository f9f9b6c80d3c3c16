/**
 * The public surface of @t2s/core/util: digests, network checks, seeded random numbers, semaphores.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { fileSha256, textSha256 } from './digest.js'
export { freePort, waitForPort } from './net.js'
export { Semaphore, sleep } from './semaphore.js'
