// The console's only way to the API: same-origin fetch with the key as a bearer header.
// The key lives in sessionStorage (gone when the tab closes), never in a URL or a log.

const KEY = 't2s.apiKey'

export const storedKey = (): string | null => sessionStorage.getItem(KEY)
export const storeKey = (key: string): void => sessionStorage.setItem(KEY, key)
export const forgetKey = (): void => sessionStorage.removeItem(KEY)

/** An API answer other than 2xx, with the problem's detail (application/problem+json). */
export class ApiError extends Error {
  constructor (readonly status: number, readonly detail: string) {
    super(`${status}: ${detail}`)
  }
}

let onUnauthorized: () => void = () => {}
/** Called on any 401 (the key was revoked, or is wrong): the app shows the sign-in again. */
export const setUnauthorizedHandler = (fn: () => void): void => { onUnauthorized = fn }

function headers (key: string | null, json: boolean): Record<string, string> {
  const h: Record<string, string> = {}
  if (key) h.authorization = `Bearer ${key}`
  if (json) h['content-type'] = 'application/json'
  return h
}

async function problem (res: Response): Promise<ApiError> {
  let detail = res.statusText
  try {
    const body = await res.json() as { detail?: string, title?: string }
    detail = body.detail ?? body.title ?? detail
  } catch {}
  return new ApiError(res.status, detail)
}

export async function request<T> (path: string, opts: { method?: string, body?: unknown, key?: string, signal?: AbortSignal } = {}): Promise<T> {
  const key = opts.key ?? storedKey()
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers: headers(key, opts.body !== undefined),
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal
  })
  if (!res.ok) {
    const err = await problem(res)
    if (res.status === 401 && opts.key === undefined) onUnauthorized()
    throw err
  }
  return await res.json() as T
}

/** POST of multipart/form-data (a file upload); the browser sets the content type and boundary. */
export async function postForm<T> (path: string, form: FormData): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: headers(storedKey(), false), body: form })
  if (!res.ok) {
    const err = await problem(res)
    if (res.status === 401) onUnauthorized()
    throw err
  }
  return await res.json() as T
}

export const get = async <T>(path: string, signal?: AbortSignal): Promise<T> => await request<T>(path, { signal })
export const post = async <T>(path: string, body?: unknown): Promise<T> => await request<T>(path, { method: 'POST', body: body ?? {} })

/** Fetches a file with the key and hands it to the browser as a download (an <a href> could not send the header). */
export async function download (path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: headers(storedKey(), false) })
  if (!res.ok) throw await problem(res)
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export interface JobEvent {
  type: 'status' | 'progress' | 'log' | 'metric'
  job_id: string
  status?: string
  progress?: { done: number, total: number | null, unit: string }
  data?: Record<string, unknown>
  time: string
}

/**
 * Follows GET /v1/jobs/{id}/events. EventSource cannot send an authorization header, so the
 * stream is read through fetch and parsed here (the SSE format: fields, blank line ends an event).
 * Resolves when the stream ends (after the final status) or the signal aborts it.
 */
export async function followJob (jobId: string, onEvent: (e: JobEvent) => void, signal: AbortSignal): Promise<void> {
  let res: Response
  try {
    res = await fetch(`/v1/jobs/${encodeURIComponent(jobId)}/events`, { headers: headers(storedKey(), false), signal })
  } catch (err) {
    if (signal.aborted) return
    throw err
  }
  if (!res.ok || !res.body) throw await problem(res)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
        if (data) onEvent(JSON.parse(data) as JobEvent)
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err
  } finally {
    reader.releaseLock()
  }
}
