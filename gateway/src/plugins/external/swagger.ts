import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

const API_TAGS = [
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'sources', description: 'Benchmark splits in BIRD layout (questions JSON + SQLite folder)' },
  { name: 'datasets', description: 'SFT and chain-of-thought training files built from a source' },
  { name: 'sql', description: 'Run SQL in the sandbox; ask a model for SQL' },
  { name: 'training', description: 'Fine-tuning jobs on the GPU trainer' },
  { name: 'evaluations', description: 'BIRD execution accuracy (EX) and Soft-F1' },
  { name: 'rewards', description: 'Execution rewards for reinforcement learning, scored as evaluations' },
  { name: 'models', description: 'Model servers (the teacher, the student, registered ones) and what they serve' },
  { name: 'jobs', description: 'Any long operation: status, progress events, cancellation' },
  { name: 'usage', description: 'What the suite stores on disk, and the free space left' }
]

/**
 * OpenAPI 3.1 document at /docs/json and Swagger UI at /docs; registered before any route
 * so that it sees them all.
 * @see https://github.com/fastify/fastify-swagger
 */
const docs: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Text-to-SQL fine-tuning suite',
        version: '0.1.0',
        description: 'Turn BIRD into training data, distil chain-of-thought from a teacher, fine-tune a student and measure BIRD execution accuracy. Every route but /healthz, /readyz and /docs needs `Authorization: Bearer <key>`. Errors are application/problem+json.'
      },
      tags: API_TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }]
    },
    hideUntagged: true,
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false, uiConfig: { persistAuthorization: true } })
}

export default fp(docs, { name: 'docs' })
