#!/usr/bin/env node
// In the repository the CLI runs from its TypeScript source, compiled on the fly by tsx. A packed
// copy (npm pack; npm install -g) has no source: it runs dist/t2s.js, one file that bundles every
// dependency (cli/scripts/bundle.mjs), so installing it needs no registry.
import { existsSync } from 'node:fs'

const source = new URL('../src/main.ts', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(source.href)
} else {
  await import('../dist/t2s.js')
}
