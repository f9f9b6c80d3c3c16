/** Every service of the suite; the gateway's readiness check waits for each one that runs. */
export const SERVICE_NAMES = ['dataset', 'reasoning', 'trainer', 'evaluator'] as const
export type ServiceName = typeof SERVICE_NAMES[number]

/** Request/reply subject of a service verb. */
export const subject = (service: string, verb: string) => `t2s.${service}.${verb}`

/** JetStream names: one work-queue stream for job and item messages, one stream of progress events. */
export const WORK_STREAM = 'T2S_WORK'
export const EVENTS_STREAM = 'T2S_EVENTS'
export const JOBS_BUCKET = 't2s_jobs'

export const jobSubject = (service: string) => `t2s.work.${service}.jobs`
export const itemSubject = (service: string) => `t2s.work.${service}.items`
export const eventSubject = (jobId: string) => `t2s.events.${jobId}`
export const jobKey = (jobId: string) => `job.${jobId}`
