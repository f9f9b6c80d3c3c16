// Bundles the CLI into one file, dist/t2s.js, with every dependency inside, for `npm pack`
// (prepack): the packed CLI installs with `npm install -g` and no registry, and needs no tsx.
// The bundled packages' licence texts go beside it (dist/THIRD-PARTY-LICENSES.txt).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
const { metafile } = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: join(dist, 't2s.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (cli-progress) require node's built-ins; an ES module has no require.
  banner: { js: "import { createRequire as __t2sCreateRequire } from 'node:module'; const require = __t2sCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning'
})

// Every package a bundled file came from: the folder under the last node_modules of its path.
const packages = new Set()
for (const input of Object.keys(metafile.inputs)) {
  const parts = relative(root, input).split(sep)
  const at = parts.lastIndexOf('node_modules')
  if (at === -1) continue
  const depth = parts[at + 1].startsWith('@') ? 3 : 2
  packages.add(join(root, ...parts.slice(0, at + depth)))
}
const notices = [...packages].sort().map((dir) => {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([.-]|$)/i.test(f))
  if (file === undefined) throw new Error(`${pkg.name}: no licence file to ship with the bundle`)
  return `${pkg.name}@${pkg.version} (${pkg.license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`
})
writeFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), `The t2s CLI bundle (t2s.js) contains these packages.\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`)
process.stderr.write(`bundled ${relative(process.cwd(), join(dist, 't2s.js'))} with ${packages.size} packages\n`)
