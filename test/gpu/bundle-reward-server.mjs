// Bundles test/gpu/reward-server.ts and the sandbox's child into one folder that runs with plain
// `node` on a machine without this repository's node_modules (the GPU machine): better-sqlite3,
// a native addon, is copied beside them.
//   node test/gpu/bundle-reward-server.mjs OUT_DIR
import { build } from 'esbuild'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const out = process.argv[2]
if (!out) throw new Error('usage: bundle-reward-server.mjs OUT_DIR')
mkdirSync(out, { recursive: true })
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['better-sqlite3'],
  // CommonJS dependencies call require(): give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning'
}
await build({ ...common, entryPoints: ['test/gpu/reward-server.ts'], outfile: join(out, 'reward-server.js') })
await build({ ...common, entryPoints: ['services/core/src/sql/sandbox-child.ts'], outfile: join(out, 'sandbox-child.js') })
writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module', private: true }))
for (const pkg of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
  const dst = join(out, 'node_modules', pkg)
  cpSync(join('node_modules', pkg), dst, { recursive: true, filter: (src) => !/\/(deps|src|obj|obj\.target)(\/|$)|\.a$|test_extension/.test(src) })
}
console.log(`bundled into ${out}`)
