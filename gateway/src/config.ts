import { Type } from 'typebox'
import { envSchema } from '@t2s/core'

export const GatewayEnv = envSchema({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '127.0.0.1', description: 'Listen address; 0.0.0.0 in containers' }),
  T2S_API_KEYS: Type.String({ minLength: 1, description: 'Comma-separated bearer keys accepted on every route but /healthz, /readyz and /docs' }),
  T2S_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 6000, description: 'Requests per key (or address) per minute' }),
  T2S_AUTH_FAILURES_MAX: Type.Integer({ minimum: 1, default: 30, description: 'Failed authentications per address per minute; past it the address is answered 429 until the minute ends' }),
  T2S_CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated origins allowed to call the API from a browser' }),
  T2S_SERVICES: Type.String({ default: 'dataset,reasoning,trainer,evaluator', description: 'Services /readyz waits for' }),
  T2S_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000, description: 'Limit for receiving a whole request' })
})
