import { useEffect, useMemo, useState } from 'preact/hooks'
import { get, postForm } from '../api.js'
import { ErrorBox, FilterSelect, Json, KeyValues, ListHeader, Loading, Pager, ResultPreview, SqlView, StatusBadge, fmtTime, slicePage } from '../components.js'
import { errorText, useAsync, useInterval, useLiveList } from '../hooks.js'
import { allQuestions } from '../questions.js'
import { href, navigate, type Route } from '../router.js'
import { compareRuns } from '@t2s/core/stats'
import { pct } from '../stats.js'
import { DIFFICULTIES, ITEM_STATUSES, TERMINAL, type Evaluation, type EvaluationItem, type Question, type Source } from '../types.js'

export function EvaluationsPage ({ route }: { route: Route }) {
  const list = useLiveList<Evaluation>('/v1/evaluations?limit=100', 3000)
  const id = route.path[1]
  const [picked, setPicked] = useState<string[]>([])
  const toggle = (evId: string) => setPicked((p) => p.includes(evId) ? p.filter((x) => x !== evId) : [...p, evId])
  if (id) return <EvaluationDetail key={id} id={id} route={route} />
  return (
    <section>
      <ListHeader title='Evaluations' what='evaluations' list={list} />
      {list.data && (
        <>
          <table class='grid' aria-label='evaluations'>
            <thead><tr><th>compare</th><th>evaluation</th><th>source</th><th>model</th><th>status</th><th>scored</th><th>EX</th><th>Soft-F1</th><th>created</th></tr></thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.id}>
                  <td><input type='checkbox' checked={picked.includes(e.id)} onChange={() => toggle(e.id)} aria-label={`compare ${e.id}`} /></td>
                  <td><a href={href(['evaluations', e.id])}><code>{e.id}</code></a></td>
                  <td>{e.source.name}</td>
                  <td>{e.model ?? 'predictions file'}</td>
                  <td><StatusBadge status={e.status} /></td>
                  <td class='num'>{e.counts.total} / {e.counts.planned}</td>
                  <td class='num' data-ex={e.id}>{pct(e.ex.total)}</td>
                  <td class='num'>{pct(e.soft_f1.total)}</td>
                  <td>{fmtTime(String(e.timing.created_at))}</td>
                </tr>
              ))}
              {list.data.items.length === 0 && <tr><td colSpan={9} class='muted'>No evaluation yet: score a predictions file below.</td></tr>}
            </tbody>
          </table>
          <p class='row'>
            <button disabled={picked.length < 2 || picked.length > 8} onClick={() => navigate(href(['compare'], { ids: picked.join(',') }))}>Compare selected ({picked.length})</button>
            <span class='muted'>Pick 2 to 8 evaluations of the same source.</span>
          </p>
        </>
      )}
      <ScorePredictions onDone={(evId) => { list.reload(); navigate(href(['evaluations', evId])) }} />
    </section>
  )
}

function ScorePredictions ({ onDone }: { onDone: (id: string) => void }) {
  const sources = useAsync((signal) => get<{ items: Source[] }>('/v1/sources', signal), [])
  const [source, setSource] = useState('')
  const firstSource = sources.data?.items[0]?.id ?? ''
  useEffect(() => { if (!source && firstSource) setSource(firstSource) }, [firstSource])
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    setError(null)
    if (!file) return setError('Choose a predictions file (the official {"0": "SQL\\t----- bird -----\\tdb_id", …} JSON).')
    // The file goes up as it is (multipart): the gateway checks it and names what is wrong.
    const form = new FormData()
    form.set('source', source || sources.data?.items[0]?.id || '')
    form.set('predictions', file, file.name)
    try {
      const r = await postForm<{ id: string }>('/v1/evaluations', form)
      onDone(r.id)
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <details class='panel'>
      <summary>Score a predictions file</summary>
      <form class='row' onSubmit={(e) => { void submit(e) }} aria-label='score a predictions file'>
        <label>
          source
          <select name='source' value={source} onChange={(e) => setSource(e.currentTarget.value)}>
            {(sources.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>predictions JSON <input name='predictions' type='file' accept='.json,application/json' onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} /></label>
        <button type='submit'>Score</button>
      </form>
      <ErrorBox error={error ?? sources.error} />
    </details>
  )
}

export interface Row extends EvaluationItem { q: Question | undefined }

/**
 * The official scorer's table: difficulty columns, count / EX / Soft-F1 rows, each with its 95 %
 * interval from core's compareRuns (the code behind GET /v1/evaluations/compare), run here on
 * the scored items: EX with Wilson's interval, Soft-F1 with the seeded percentile bootstrap.
 */
export function ReportTable ({ ev, items }: { ev: Evaluation, items: EvaluationItem[] | null }) {
  const cols = [...DIFFICULTIES, 'total'] as const
  const buckets = useMemo(() => items && items.length > 0 ? compareRuns([items]).runs[0] : null, [items])
  const count = (c: typeof cols[number]) => c === 'total' ? ev.counts.total : ev.counts[c]
  const range = (e: { low: number | null, high: number | null } | undefined) => e && e.low !== null && e.high !== null ? `[${e.low.toFixed(1)}, ${e.high.toFixed(1)}]` : ''
  return (
    <table class='grid report' aria-label='report'>
      <thead><tr><th /> {cols.map((c) => <th key={c} class='num'>{c}</th>)}</tr></thead>
      <tbody>
        <tr><th>count</th>{cols.map((c) => <td key={c} class='num' data-cell={`count-${c}`}>{count(c)}</td>)}</tr>
        <tr><th>EX</th>{cols.map((c) => (
          <td key={c} class='num'><span data-cell={`ex-${c}`}>{pct(ev.ex[c])}</span><br /><small class='muted' data-interval={`ex-${c}`}>{range(buckets?.[c].ex)}</small></td>
        ))}
        </tr>
        <tr><th>Soft-F1</th>{cols.map((c) => (
          <td key={c} class='num'><span data-cell={`f1-${c}`}>{pct(ev.soft_f1[c])}</span><br /><small class='muted' data-interval={`f1-${c}`}>{range(buckets?.[c].soft_f1)}</small></td>
        ))}
        </tr>
      </tbody>
    </table>
  )
}

function EvaluationDetail ({ id, route }: { id: string, route: Route }) {
  const ev = useAsync((signal) => get<Evaluation>(`/v1/evaluations/${encodeURIComponent(id)}`, signal), [id])
  const running = ev.data !== null && !TERMINAL.includes(ev.data.status)
  // Items are read once the report is in, and again when a running evaluation ends.
  const phase = ev.data === null ? 'wait' : running ? 'running' : 'done'
  const items = useAsync(async (signal) => phase === 'wait' ? null : (await get<{ items: EvaluationItem[] }>(`/v1/evaluations/${encodeURIComponent(id)}/items?limit=5000`, signal)).items, [id, phase])
  const questions = useAsync(async () => ev.data ? await allQuestions(ev.data.source.id) : null, [ev.data?.source.id])
  useInterval(ev.reload, running ? 2000 : null)
  const e = ev.data
  const rows = useMemo<Row[]>(() => {
    const byIndex = new Map((questions.data ?? []).map((q) => [q.index, q]))
    return (items.data ?? []).map((i) => ({ ...i, q: byIndex.get(i.index) }))
  }, [items.data, questions.data])
  if (ev.error) return <ErrorBox error={ev.error} />
  if (!e) return <Loading what='the evaluation' />
  const dbIds = [...new Set(rows.map((r) => r.db_id))].sort()
  return (
    <section>
      <p><a href='#/evaluations'>‹ Evaluations</a></p>
      <h1>{e.id} <StatusBadge status={e.status} /></h1>
      <ErrorBox error={e.error} />
      <KeyValues rows={[
        ['source', <a key='s' href={href(['sources', e.source.id])}>{e.source.name}</a>],
        ['model', e.model ?? 'predictions file'],
        ['scored', `${e.counts.total} of ${e.counts.planned} questions`],
        ['gold cache hits', String(e.gold_cache_hits)]
      ]}
      />
      <ReportTable ev={e} items={items.data} />
      <p class='muted'>EX and Soft-F1 in percent as the official scorer prints them; below each, its 95 % interval (EX: Wilson; Soft-F1: percentile bootstrap, 2,000 seeded resamples), as the comparison computes them.</p>
      <h2>Statuses</h2>
      <div class='cards' aria-label='status counts'>
        {ITEM_STATUSES.filter((s) => e.statuses[s] > 0).map((s) => (
          <a key={s} class='card' href={href(['evaluations', e.id], { status: s })} data-status={s}><span class='big'>{e.statuses[s]}</span><span>{s}</span></a>
        ))}
      </div>
      <ErrorBox error={items.error ?? questions.error} />
      {items.data ? <QuestionBrowser ev={e} rows={rows} dbIds={dbIds} route={route} /> : !items.error && <Loading what='scored questions' />}
      <details><summary>Options, timing and manifest</summary><Json value={{ options: e.options, timing: e.timing, manifest: e.manifest }} /></details>
    </section>
  )
}

function QuestionBrowser ({ ev, rows, dbIds, route }: { ev: Evaluation, rows: Row[], dbIds: string[], route: Route }) {
  const status = route.query.get('status') ?? ''
  const difficulty = route.query.get('difficulty') ?? ''
  const db = route.query.get('db') ?? ''
  const open = route.query.get('q')
  const [page, setPage] = useState(0)
  const link = (over: Record<string, string | null>) => href(['evaluations', ev.id], { status, difficulty, db, q: open, ...over })
  const setFilter = (k: string, v: string) => { setPage(0); navigate(link({ [k]: v, q: null }), true) }
  const filtered = useMemo(() => rows.filter((r) => (!status || (status === 'wrong' ? !r.correct : r.status === status)) &&
    (!difficulty || (r.difficulty ?? 'none') === difficulty) && (!db || r.db_id === db)), [rows, status, difficulty, db])
  const selected = open === null ? null : rows.find((r) => r.index === Number(open)) ?? null
  return (
    <>
      <h2>Questions</h2>
      <div class='row filters'>
        <FilterSelect label='status' name='status' value={status} values={ITEM_STATUSES} extra={[['wrong', 'not correct (any)']]} onChange={(v) => setFilter('status', v)} />
        <FilterSelect label='difficulty' name='difficulty' value={difficulty} values={[...DIFFICULTIES, 'none']} onChange={(v) => setFilter('difficulty', v)} />
        <FilterSelect label='database' name='database' value={db} values={dbIds} onChange={(v) => setFilter('db', v)} />
        <span class='muted' data-testid='match-count'>{filtered.length} of {rows.length} questions</span>
      </div>
      {selected && <QuestionView row={selected} sourceId={ev.source.id} closeHref={link({ q: null })} />}
      <table class='grid' aria-label='scored questions'>
        <thead><tr><th>#</th><th>db</th><th>difficulty</th><th>status</th><th>Soft-F1</th><th>question</th></tr></thead>
        <tbody>
          {slicePage(filtered, page).map((r) => (
            <tr key={r.index} aria-selected={selected?.index === r.index} data-index={r.index}>
              <td class='num'><a href={link({ q: String(r.index) })}>{r.index}</a></td>
              <td>{r.db_id}</td>
              <td>{r.difficulty ?? '–'}</td>
              <td><StatusBadge status={r.status} /></td>
              <td class='num'>{r.soft_f1.toFixed(2)}</td>
              <td><a href={link({ q: String(r.index) })}>{r.q?.question ?? '(question text unavailable)'}</a></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} total={filtered.length} onPage={setPage} />
    </>
  )
}

/** One question: text, evidence, predicted SQL beside gold SQL, both result previews on demand. */
export function QuestionView ({ row, sourceId, closeHref, right }: { row: Row, sourceId: string, closeHref: string, right?: { title: string, sql: string | null, status: string, error: string | null } }) {
  const other = right ?? { title: 'gold SQL', sql: row.gold_sql, status: null, error: null }
  return (
    <article class='panel question' aria-label={`question ${row.index}`}>
      <header class='row'>
        <h3>#{row.index}{row.question_id !== null ? ` (question_id ${row.question_id})` : ''} · {row.db_id} · {row.difficulty ?? 'no difficulty'}</h3>
        <a href={closeHref} aria-label='close question'>close ✕</a>
      </header>
      <p class='question-text'>{row.q?.question}</p>
      {row.q?.evidence && <p><strong>Evidence:</strong> {row.q.evidence}</p>}
      <div class='two'>
        <div>
          <h4>{right ? 'a' : 'predicted SQL'} <StatusBadge status={row.status} /></h4>
          <SqlView sql={row.sql} label='predicted SQL' />
          <ErrorBox error={row.error} />
          <ResultPreview source={sourceId} dbId={row.db_id} sql={row.sql} label={right ? 'a' : 'prediction'} />
        </div>
        <div>
          <h4>{other.title} {other.status && <StatusBadge status={other.status} />}</h4>
          <SqlView sql={other.sql} label={other.title} />
          <ErrorBox error={other.error} />
          <ResultPreview source={sourceId} dbId={row.db_id} sql={other.sql} label={right ? 'b' : 'gold'} />
        </div>
      </div>
      {right && (
        <div>
          <h4>gold SQL</h4>
          <SqlView sql={row.gold_sql} label='gold SQL' />
          <ResultPreview source={sourceId} dbId={row.db_id} sql={row.gold_sql} label='gold' />
        </div>
      )}
    </article>
  )
}
