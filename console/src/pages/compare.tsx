import { useMemo, useState } from 'preact/hooks'
import { get } from '../api.js'
import type { ChartConfiguration } from '../chart.js'
import { ChartView, ErrorBox, Loading, Pager, StatusBadge, slicePage } from '../components.js'
import { useAsync } from '../hooks.js'
import { allQuestions } from '../questions.js'
import { href, navigate, type Route } from '../router.js'
import { pct } from '../stats.js'
import { QuestionView, type Row } from './evaluations.js'

// Shapes of GET /v1/evaluations/compare and …/compare/flips (core contracts/compare.ts).
interface Estimate { value: number | null, low: number | null, high: number | null }
interface RunBucket { n: number, correct: number, ex: Estimate, soft_f1: Estimate }
interface PairBucket { n: number, both_right: number, both_wrong: number, right_to_wrong: number, wrong_to_right: number, ex_diff: Estimate, soft_f1_diff: Estimate, mcnemar_p: number }
type Buckets<T> = Record<'simple' | 'moderate' | 'challenging' | 'total', T>
interface Comparison {
  ids: string[]
  source: { id: string, name: string }
  questions: number
  compared: number
  partial: boolean
  method: { ex_interval: string, soft_f1_interval: string, difference_interval: string, test: string, resamples: number, seed: number }
  evaluations: { id: string, status: string, model: string | null, scored: number, planned: number, partial: boolean, buckets: Buckets<RunBucket> }[]
  pairs: { a: string, b: string, buckets: Buckets<PairBucket> }[]
}
interface Side { status: string, sql: string | null, soft_f1: number, error: string | null }
interface Flip { index: number, question_id: number | null, db_id: string, difficulty: Row['difficulty'], direction: 'right_to_wrong' | 'wrong_to_right', gold_sql: string, a: Side, b: Side }

const BUCKETS = ['simple', 'moderate', 'challenging', 'total'] as const
const PALETTE = ['#3b6ea5', '#d98c1f', '#2e8b57', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#b7950b']

const est = (e: Estimate, digits = 2) => e.value === null ? '–' : `${pct(e.value, digits)}`
const range = (e: Estimate) => e.low === null || e.high === null ? '' : `[${e.low.toFixed(1)}, ${e.high.toFixed(1)}]`
const pValue = (p: number) => p < 0.001 ? '< 0.001' : p.toFixed(3)

export function ComparePage ({ route }: { route: Route }) {
  const ids = route.query.get('ids') ?? ''
  if (!ids) return <section><h1>Compare</h1><p>Pick 2 to 8 evaluations on the <a href='#/evaluations'>Evaluations</a> page and press <em>Compare selected</em>.</p></section>
  return <ComparisonView key={ids} ids={ids} route={route} />
}

function ComparisonView ({ ids, route }: { ids: string, route: Route }) {
  const cmp = useAsync((signal) => get<Comparison>(`/v1/evaluations/compare?ids=${encodeURIComponent(ids)}`, signal), [ids])
  const c = cmp.data
  const chart = useMemo<ChartConfiguration<'bar'> | null>(() => c && {
    type: 'bar',
    data: {
      labels: [...BUCKETS],
      datasets: c.evaluations.map((e, i) => ({ label: e.model ?? e.id, data: BUCKETS.map((b) => e.buckets[b].ex.value ?? 0), backgroundColor: PALETTE[i % PALETTE.length] }))
    },
    options: { scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: 'EX (%)' } } } }
  }, [c])
  if (cmp.error) return <section><h1>Compare</h1><ErrorBox error={cmp.error} /></section>
  if (!c || !chart) return <section><h1>Compare</h1><Loading what='the comparison' /></section>
  return (
    <section>
      <h1>Compare {c.evaluations.length} evaluations of {c.source.name}</h1>
      <p class='muted'>{c.compared} of {c.questions} questions compared{c.partial ? ' (partial: an evaluation is unfinished)' : ''}. EX: {c.method.ex_interval}; Soft-F1: {c.method.soft_f1_interval}; differences: {c.method.difference_interval}; test: {c.method.test}.</p>
      <table class='grid report' aria-label='comparison'>
        <thead><tr><th>evaluation</th><th>metric</th>{BUCKETS.map((b) => <th key={b} class='num'>{b}</th>)}</tr></thead>
        <tbody>
          {c.evaluations.flatMap((e) => [
            <tr key={`${e.id}-ex`} data-eval={e.id}>
              <th rowSpan={2}><a href={href(['evaluations', e.id])}><code>{e.id}</code></a><br /><small>{e.model ?? 'predictions file'}</small></th>
              <td>EX</td>
              {BUCKETS.map((b) => <td key={b} class='num'><span data-cell={`ex-${e.id}-${b}`}>{est(e.buckets[b].ex)}</span><br /><small class='muted'>{range(e.buckets[b].ex)} n={e.buckets[b].n}</small></td>)}
            </tr>,
            <tr key={`${e.id}-f1`}>
              <td>Soft-F1</td>
              {BUCKETS.map((b) => <td key={b} class='num'>{est(e.buckets[b].soft_f1)}<br /><small class='muted'>{range(e.buckets[b].soft_f1)}</small></td>)}
            </tr>
          ])}
        </tbody>
      </table>
      <div class='panel'><h2>EX by difficulty</h2><ChartView config={chart as ChartConfiguration} label='EX by difficulty per evaluation' /></div>
      <h2>Differences (b − a)</h2>
      <table class='grid report' aria-label='pairs'>
        <thead><tr><th>a → b</th><th>metric</th>{BUCKETS.map((b) => <th key={b} class='num'>{b}</th>)}</tr></thead>
        <tbody>
          {c.pairs.flatMap((p) => [
            <tr key={`${p.a}-${p.b}-ex`}>
              <th rowSpan={3}><code>{p.a}</code> → <code>{p.b}</code></th>
              <td>EX diff</td>{BUCKETS.map((b) => <td key={b} class='num'>{est(p.buckets[b].ex_diff)}<br /><small class='muted'>{range(p.buckets[b].ex_diff)}</small></td>)}
            </tr>,
            <tr key={`${p.a}-${p.b}-p`}>
              <td>McNemar p</td>{BUCKETS.map((b) => <td key={b} class='num' data-cell={`p-${p.a}-${p.b}-${b}`}>{pValue(p.buckets[b].mcnemar_p)}</td>)}
            </tr>,
            <tr key={`${p.a}-${p.b}-flips`}>
              <td>flips</td>{BUCKETS.map((b) => <td key={b} class='num'><span title='right in a, wrong in b'>↓{p.buckets[b].right_to_wrong}</span> <span title='wrong in a, right in b'>↑{p.buckets[b].wrong_to_right}</span></td>)}
            </tr>
          ])}
        </tbody>
      </table>
      <Flips c={c} route={route} ids={ids} />
    </section>
  )
}

function Flips ({ c, route, ids }: { c: Comparison, route: Route, ids: string }) {
  const pair = Number(route.query.get('pair') ?? 0)
  const { a, b } = c.pairs[pair] ?? c.pairs[0]
  const open = route.query.get('q')
  const [page, setPage] = useState(0)
  const flips = useAsync(async (signal) => (await get<{ items: Flip[] }>(`/v1/evaluations/compare/flips?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}&limit=5000`, signal)).items, [a, b])
  const questions = useAsync(() => allQuestions(c.source.id), [c.source.id])
  const link = (over: Record<string, string | number | null>) => href(['compare'], { ids, pair, q: open, ...over })
  const selected = open === null ? null : flips.data?.find((f) => f.index === Number(open)) ?? null
  const row = (f: Flip): Row => ({
    index: f.index,
    question_id: f.question_id,
    db_id: f.db_id,
    difficulty: f.difficulty,
    status: f.a.status,
    correct: f.direction === 'right_to_wrong',
    soft_f1: f.a.soft_f1,
    sql: f.a.sql,
    gold_sql: f.gold_sql,
    error: f.a.error,
    latency_ms: 0,
    tokens: null,
    q: questions.data?.find((q) => q.index === f.index)
  })
  return (
    <>
      <h2>Flipped questions</h2>
      <div class='row filters'>
        <label>
          pair
          <select value={pair} onChange={(e) => { setPage(0); navigate(link({ pair: e.currentTarget.value, q: null }), true) }} aria-label='pair'>
            {c.pairs.map((p, i) => <option key={i} value={i}>{p.a} → {p.b}</option>)}
          </select>
        </label>
        {flips.data && <span class='muted' data-testid='flip-count'>{flips.data.length} flipped</span>}
      </div>
      <ErrorBox error={flips.error} />
      {selected && <QuestionView row={row(selected)} sourceId={c.source.id} closeHref={link({ q: null })} right={{ title: 'b', sql: selected.b.sql, status: selected.b.status, error: selected.b.error }} />}
      {flips.data
        ? (
          <>
            <table class='grid' aria-label='flipped questions'>
              <thead><tr><th>#</th><th>db</th><th>difficulty</th><th>direction</th><th>a</th><th>b</th></tr></thead>
              <tbody>
                {slicePage(flips.data, page).map((f) => (
                  <tr key={f.index} aria-selected={selected?.index === f.index}>
                    <td class='num'><a href={link({ q: f.index })}>{f.index}</a></td>
                    <td>{f.db_id}</td>
                    <td>{f.difficulty ?? '–'}</td>
                    <td>{f.direction === 'right_to_wrong' ? 'right → wrong' : 'wrong → right'}</td>
                    <td><StatusBadge status={f.a.status} /></td>
                    <td><StatusBadge status={f.b.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager page={page} total={flips.data.length} onPage={setPage} />
          </>
          )
        : !flips.error && <Loading what='flipped questions' />}
    </>
  )
}
