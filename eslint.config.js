import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['**/node_modules/**', 'data/**', 'openapi/**', 'cli/src/generated/**', 'trainer-gpu/**', 'bench/out/**', 'console/dist/**'] }),
  {
    rules: {
      // `void promise` marks a deliberate fire-and-forget (heartbeats, watchers).
      'no-void': ['error', { allowAsStatement: true }]
    }
  }
]
