import { defineConfig } from 'vite'

// The console is served by the gateway under /console/ (see gateway/src/plugins/console.ts).
// Everything is bundled: no CDN, no inline script or style, so a strict CSP holds offline.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vite would inline small assets as data: URLs and its module preload polyfill as an
    // inline script; both are off so that script-src 'self' is all the page needs.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600
  }
})
