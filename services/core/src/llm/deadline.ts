// One attempt's abort signal: the caller's signal plus a per-attempt timeout, with cleanup.
// Not AbortSignal.any + AbortSignal.timeout: on Node 20 those keep ~1 kB per call alive for the whole
// timeout (a 120 s timer each) and tie every call to a job-wide caller signal; here dispose() frees both.

export interface AttemptSignal {
  signal: AbortSignal
  /** true once the timeout (not the caller) aborted the attempt */
  timedOut: () => boolean
  /** clears the timer and the listener on the caller's signal; call when the attempt is over */
  dispose: () => void
}

export function attemptSignal (caller: AbortSignal | undefined, timeoutMs: number): AttemptSignal {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'))
  }, timeoutMs)
  const onAbort = (): void => controller.abort(caller?.reason)
  if (caller?.aborted === true) onAbort()
  else caller?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer)
      caller?.removeEventListener('abort', onAbort)
    }
  }
}
