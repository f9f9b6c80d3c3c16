export { downloadEndpoint } from './endpoint.js'
export { downloadJob, DOWNLOAD_KIND } from './job.js'
