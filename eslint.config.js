import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['**/node_modules/**', 'data/**', 'openapi/**', 'trainer-gpu/**', 'bench/out/**'] })
]
