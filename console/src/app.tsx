import { useEffect, useState } from 'preact/hooks'
import { ApiError, forgetKey, request, setUnauthorizedHandler, storedKey, storeKey } from './api.js'
import { errorText } from './hooks.js'
import { useRoute } from './router.js'
import { JobsPage } from './pages/jobs.js'
import { SourcesPage } from './pages/sources.js'
import { DatasetsPage } from './pages/datasets.js'
import { TrainingPage } from './pages/training.js'
import { EvaluationsPage } from './pages/evaluations.js'
import { ComparePage } from './pages/compare.js'

const PAGES = [
  { path: 'jobs', title: 'Jobs', Page: JobsPage },
  { path: 'sources', title: 'Sources', Page: SourcesPage },
  { path: 'datasets', title: 'Datasets', Page: DatasetsPage },
  { path: 'training', title: 'Training', Page: TrainingPage },
  { path: 'evaluations', title: 'Evaluations', Page: EvaluationsPage },
  { path: 'compare', title: 'Compare', Page: ComparePage }
]

export function App () {
  const [signedIn, setSignedIn] = useState(storedKey() !== null)
  const [notice, setNotice] = useState<string | null>(null)
  useEffect(() => setUnauthorizedHandler(() => {
    forgetKey()
    setSignedIn(false)
    setNotice('The API key was refused (401): sign in again.')
  }), [])
  if (!signedIn) return <SignIn notice={notice} onDone={() => { setNotice(null); setSignedIn(true) }} />
  return <Shell onSignOut={() => { forgetKey(); setSignedIn(false) }} />
}

function SignIn ({ notice, onDone }: { notice: string | null, onDone: () => void }) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(notice)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const k = key.trim()
    if (!k) return setError('Paste an API key first.')
    setBusy(true)
    try {
      // Any authenticated route checks the key; the job list is small and always there.
      await request('/v1/jobs?limit=1', { key: k })
      storeKey(k)
      onDone()
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401
        ? 'That API key is not valid: the gateway refused it. Use a key from T2S_API_KEYS (npm start prints one and keeps it in DATA_DIR/api-key).'
        : `Could not check the key: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class='signin'>
      <h1>t2s console</h1>
      <form onSubmit={(e) => { void submit(e) }}>
        <label for='key'>API key</label>
        <input id='key' type='password' autocomplete='off' value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder='t2s_…' autofocus />
        <button type='submit' disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
      {error && <p class='error' role='alert'>{error}</p>}
      <p class='muted'>The key stays in this tab's session storage and is sent as the Authorization header; closing the tab forgets it.</p>
    </main>
  )
}

function Shell ({ onSignOut }: { onSignOut: () => void }) {
  const route = useRoute()
  const current = PAGES.find((p) => p.path === route.path[0]) ?? PAGES[0]
  useEffect(() => { document.title = `${current.title} · t2s console` }, [current.title])
  return (
    <div class='shell'>
      <header>
        <strong class='brand'>t2s</strong>
        <nav aria-label='pages'>
          {PAGES.map((p) => <a key={p.path} href={`#/${p.path}`} aria-current={p === current ? 'page' : undefined}>{p.title}</a>)}
        </nav>
        <a class='docs' href='/docs' target='_blank' rel='noopener'>API docs</a>
        <button class='link' onClick={onSignOut}>Sign out</button>
      </header>
      <main><current.Page route={route} /></main>
    </div>
  )
}
