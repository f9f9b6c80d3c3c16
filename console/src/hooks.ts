import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, get } from './api.js'
import { TERMINAL } from './types.js'

export interface Async<T> { data: T | null, error: string | null, loading: boolean, reload: () => void }

/** Runs `load` on mount and whenever `deps` change; `reload` runs it again (keeping the old data meanwhile). */
export function useAsync<T> (load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | null, error: string | null, loading: boolean }>({ data: null, error: null, loading: true })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const ctl = new AbortController()
    setState((s) => ({ ...s, loading: true }))
    load(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, error: null, loading: false }) },
      (err: unknown) => { if (!ctl.signal.aborted) setState({ data: null, error: errorText(err), loading: false }) }
    )
    return () => ctl.abort()
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, reload }
}

export const errorText = (err: unknown): string => err instanceof ApiError ? `${err.detail} (HTTP ${err.status})` : err instanceof Error ? err.message : String(err)

/** Calls `fn` every `ms` while mounted and the tab is visible. */
export function useInterval (fn: () => void, ms: number | null): void {
  const saved = useRef(fn)
  saved.current = fn
  useEffect(() => {
    if (ms === null) return
    const t = setInterval(() => { if (document.visibilityState === 'visible') saved.current() }, ms)
    return () => clearInterval(t)
  }, [ms])
}

/** A list page's items from the API, reloaded every `ms` while any of them has not ended. */
export function useLiveList<T extends { status: string }> (url: string, ms: number): Async<{ items: T[] }> {
  const list = useAsync((signal) => get<{ items: T[] }>(url, signal), [url])
  useInterval(list.reload, list.data?.items.some((item) => !TERMINAL.includes(item.status)) ? ms : null)
  return list
}
