import { useMemo, useState } from 'preact/hooks'
import { get, post } from '../api.js'
import { ErrorBox, FilterSelect, KeyValues, ListHeader, Loading, Pager, SqlView, fmtTime, slicePage } from '../components.js'
import { errorText, useAsync } from '../hooks.js'
import { allQuestions } from '../questions.js'
import { href, navigate, type Route } from '../router.js'
import { DIFFICULTIES, type Source } from '../types.js'

export function SourcesPage ({ route }: { route: Route }) {
  const list = useAsync((signal) => get<{ items: Source[] }>('/v1/sources', signal), [])
  const id = route.path[1]
  const source = list.data?.items.find((s) => s.id === id || s.name === id)
  return (
    <section>
      <ListHeader title='Sources' what='sources' list={list} />
      {list.data && (
        <table class='grid' aria-label='sources'>
          <thead><tr><th>name</th><th>id</th><th>questions</th><th>databases</th><th>simple / moderate / challenging / none</th><th>registered</th></tr></thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id} aria-selected={s === source}>
                <td><a href={href(['sources', s.id])}>{s.name}</a></td>
                <td><code>{s.id}</code></td>
                <td class='num'>{s.question_count}</td>
                <td class='num'>{s.database_count}</td>
                <td>{s.difficulty_counts.simple} / {s.difficulty_counts.moderate} / {s.difficulty_counts.challenging} / {s.difficulty_counts.unknown}</td>
                <td>{fmtTime(s.created_at)}</td>
              </tr>
            ))}
            {list.data.items.length === 0 && <tr><td colSpan={6} class='muted'>No source yet: register one below.</td></tr>}
          </tbody>
        </table>
      )}
      <RegisterSource onDone={(s) => { list.reload(); navigate(href(['sources', s.id])) }} />
      {source && <SourceDetail key={source.id} source={source} route={route} />}
      {id && list.data && !source && <ErrorBox error={`No source "${id}".`} />}
    </section>
  )
}

function RegisterSource ({ onDone }: { onDone: (s: Source) => void }) {
  const [form, setForm] = useState({ name: '', questions: '', databases: '' })
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value })
  const submit = (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    post<Source>('/v1/sources', form).then((s) => { setBusy(false); onDone(s) }, (err: unknown) => { setBusy(false); setError(errorText(err)) })
  }
  return (
    <details class='panel'>
      <summary>Register a source</summary>
      <form class='row' onSubmit={submit} aria-label='register a source'>
        <label>name <input name='name' value={form.name} onInput={set('name')} placeholder='demo' required /></label>
        <label>questions JSON <input name='questions' value={form.questions} onInput={set('questions')} placeholder='demo/dev.json' required /></label>
        <label>databases folder <input name='databases' value={form.databases} onInput={set('databases')} placeholder='demo/dev_databases' required /></label>
        <button type='submit' disabled={busy}>Register</button>
      </form>
      <p class='muted'>Paths resolve inside DATA_DIR or a T2S_SOURCE_ROOTS folder.</p>
      <ErrorBox error={error} />
    </details>
  )
}

function SourceDetail ({ source, route }: { source: Source, route: Route }) {
  const questions = useAsync(() => allQuestions(source.id), [source.id])
  const db = route.query.get('db') ?? ''
  const difficulty = route.query.get('difficulty') ?? ''
  const text = route.query.get('text') ?? ''
  const [page, setPage] = useState(0)
  const setFilter = (k: string, v: string) => {
    setPage(0)
    navigate(href(['sources', source.id], { db, difficulty, text, [k]: v }), true)
  }
  const filtered = useMemo(() => {
    const needle = text.toLowerCase()
    return (questions.data ?? []).filter((q) => (!db || q.db_id === db) && (!difficulty || (q.difficulty ?? 'none') === difficulty) &&
      (!needle || q.question.toLowerCase().includes(needle) || q.evidence.toLowerCase().includes(needle) || q.sql.toLowerCase().includes(needle)))
  }, [questions.data, db, difficulty, text])
  return (
    <>
      <h2>{source.name}</h2>
      <KeyValues rows={[['questions file', <code key='q'>{source.questions}</code>], ['databases', <code key='d'>{source.databases}</code>]]} />
      <h3>Questions</h3>
      <div class='row filters'>
        <FilterSelect label='database' name='database' value={db} values={source.db_ids} onChange={(v) => setFilter('db', v)} />
        <FilterSelect label='difficulty' name='difficulty' value={difficulty} values={[...DIFFICULTIES, 'none']} onChange={(v) => setFilter('difficulty', v)} />
        <label>text <input type='search' value={text} onChange={(e) => setFilter('text', e.currentTarget.value)} placeholder='words in question, evidence or SQL' aria-label='text filter' /></label>
      </div>
      <ErrorBox error={questions.error} />
      {!questions.data && !questions.error && <Loading what='questions' />}
      {questions.data && (
        <>
          <table class='grid' aria-label='questions'>
            <thead><tr><th>#</th><th>db</th><th>difficulty</th><th>question</th><th>evidence</th><th>gold SQL</th></tr></thead>
            <tbody>
              {slicePage(filtered, page).map((q) => (
                <tr key={q.index}>
                  <td class='num'>{q.index}</td>
                  <td><a href={href(['sources', source.id], { db: q.db_id, difficulty, text })}>{q.db_id}</a></td>
                  <td>{q.difficulty ?? '–'}</td>
                  <td>{q.question}</td>
                  <td class='muted'>{q.evidence}</td>
                  <td><SqlView sql={q.sql} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} total={filtered.length} onPage={setPage} />
        </>
      )}
      {db && <SchemaView sourceId={source.id} dbId={db} />}
      {!db && <p class='muted'>Pick a database to see its schema as the prompt shows it.</p>}
    </>
  )
}

interface DatabaseSchema { db_id: string, prompt_version: string, has_descriptions: boolean, schema: string }

function SchemaView ({ sourceId, dbId }: { sourceId: string, dbId: string }) {
  const [rows, setRows] = useState(0)
  const [desc, setDesc] = useState(false)
  const schema = useAsync((signal) => get<DatabaseSchema>(`/v1/sources/${encodeURIComponent(sourceId)}/databases/${encodeURIComponent(dbId)}/schema?sample_rows=${rows}&column_descriptions=${desc}`, signal), [sourceId, dbId, rows, desc])
  return (
    <div class='panel'>
      <h3>Schema of {dbId}, as the prompt sees it</h3>
      <div class='row filters'>
        <label>sample rows <input type='number' min={0} max={20} value={rows} onChange={(e) => setRows(Math.max(0, Math.min(20, Number(e.currentTarget.value) || 0)))} /></label>
        <label><input type='checkbox' checked={desc} onChange={(e) => setDesc(e.currentTarget.checked)} disabled={schema.data?.has_descriptions === false} /> column descriptions{schema.data?.has_descriptions === false ? ' (none for this database)' : ''}</label>
        {schema.data && <span class='muted'>prompt version <code>{schema.data.prompt_version}</code></span>}
      </div>
      <ErrorBox error={schema.error} />
      {schema.data ? <SqlView sql={schema.data.schema} label='schema' /> : !schema.error && <Loading what='schema' />}
    </div>
  )
}
