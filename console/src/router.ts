import { useEffect, useState } from 'preact/hooks'

// Routes live in the URL fragment (#/evaluations/ev_1?status=wrong_result&q=12): every deep
// link loads the same index.html, and the fragment never reaches a server log.

export interface Route { path: string[], query: URLSearchParams }

export function parseHash (hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?', 2)
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query ?? '') }
}

export function href (path: string[], query: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v))
  const qs = q.toString()
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`
}

export const navigate = (to: string, replace = false): void => {
  if (replace) history.replaceState(null, '', to)
  else location.hash = to
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'))
}

export function useRoute (): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash))
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
