/** Every service of the suite; the gateway's readiness check waits for each one that runs. */
export const SERVICE_NAMES = ['dataset', 'reasoning', 'trainer', 'evaluator'] as const
export type ServiceName = typeof SERVICE_NAMES[number]

/** Request/reply subject of a service verb. */
export const subject = (service: string, verb: string) => `t2s.${service}.${verb}`

/**
 * Where a caller says it no longer wants the answer to a request it made (its HTTP client
 * disconnected): the payload is the request's REQUEST_ID_HEADER value. Every replica of the
 * service listens; the one handling the request aborts that request's work.
 */
export const cancelSubject = (service: string) => `t2s.cancel.${service}`
export const REQUEST_ID_HEADER = 't2s-request-id'

/** JetStream names: one work-queue stream for job and item messages, one stream of progress events. */
export const WORK_STREAM = 'T2S_WORK'
export const EVENTS_STREAM = 'T2S_EVENTS'
export const JOBS_BUCKET = 't2s_jobs'

export const jobSubject = (service: string) => `t2s.work.${service}.jobs`
export const itemSubject = (service: string) => `t2s.work.${service}.items`
export const eventSubject = (jobId: string) => `t2s.events.${jobId}`
export const jobKey = (jobId: string) => `job.${jobId}`
