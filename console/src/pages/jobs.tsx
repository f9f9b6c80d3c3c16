import { useEffect, useState } from 'preact/hooks'
import { followJob, get, post } from '../api.js'
import { ErrorBox, ListHeader, Pager, StatusBadge, fmtTime, slicePage } from '../components.js'
import { errorText, useAsync, useInterval } from '../hooks.js'
import type { Route } from '../router.js'
import { TERMINAL, type Job } from '../types.js'

// A browser keeps at most six HTTP/1.1 connections per host: live streams are capped so
// that the page's own requests always get through; other running jobs refresh by polling.
const MAX_STREAMS = 3

export function JobsPage (_: { route: Route }) {
  const list = useAsync((signal) => get<{ items: Job[] }>('/v1/jobs?limit=500', signal), [])
  const [live, setLive] = useState<Record<string, Partial<Job>>>({})
  const [page, setPage] = useState(0)
  useInterval(list.reload, 5000)
  const jobs = (list.data?.items ?? []).map((j) => ({ ...j, ...live[j.id] }))
  const shown = slicePage(jobs, page)
  const streamIds = shown.filter((j) => !TERMINAL.includes(j.status)).slice(0, MAX_STREAMS).map((j) => j.id).join(',')

  useEffect(() => {
    if (!streamIds) return
    const ctl = new AbortController()
    for (const id of streamIds.split(',')) {
      followJob(id, (e) => {
        setLive((l) => ({ ...l, [id]: { ...l[id], ...(e.status ? { status: e.status as Job['status'] } : {}), ...(e.progress ? { progress: e.progress } : {}) } }))
        if (e.type === 'status' && e.status && TERMINAL.includes(e.status)) list.reload()
      }, ctl.signal).catch(() => {})
    }
    return () => ctl.abort()
  }, [streamIds])

  return (
    <section>
      <ListHeader title='Jobs' what='jobs' list={list}>
        <p class='muted'>Every long operation, newest first. Running jobs update live from their event stream.</p>
      </ListHeader>
      {list.data && (
        <>
          <table class='grid' aria-label='jobs'>
            <thead><tr><th>job</th><th>kind</th><th>status</th><th>progress</th><th>resource</th><th>created</th><th>finished</th><th /></tr></thead>
            <tbody>
              {shown.map((j) => <JobRow key={j.id} job={j} onChange={() => list.reload()} />)}
            </tbody>
          </table>
          <Pager page={page} total={jobs.length} onPage={setPage} />
        </>
      )}
    </section>
  )
}

const resourceLink = (r: Job['resource']): string | null => {
  if (!r) return null
  if (r.type === 'dataset') return `#/datasets/${encodeURIComponent(r.id)}`
  if (r.type === 'evaluation') return `#/evaluations/${encodeURIComponent(r.id)}`
  if (r.type === 'training_job') return `#/training/${encodeURIComponent(r.id)}`
  if (r.type === 'source') return `#/sources/${encodeURIComponent(r.id)}`
  return null
}

function Progress ({ p }: { p: Job['progress'] }) {
  const frac = p.total ? Math.min(1, p.done / p.total) : null
  return (
    <span class='progress'>
      {frac !== null && <progress max={1} value={frac} />}
      <span>{p.done}{p.total !== null ? ` / ${p.total}` : ''} {p.unit}</span>
    </span>
  )
}

function JobRow ({ job, onChange }: { job: Job, onChange: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const link = resourceLink(job.resource)
  const cancel = () => {
    post(`/v1/jobs/${encodeURIComponent(job.id)}/cancel`).then(() => { setConfirming(false); onChange() }, (err: unknown) => setError(errorText(err)))
  }
  return (
    <>
      <tr data-job={job.id}>
        <td><code>{job.id}</code></td>
        <td>{job.kind}</td>
        <td><StatusBadge status={job.status} /></td>
        <td><Progress p={job.progress} /></td>
        <td>{job.resource ? (link ? <a href={link}>{job.resource.id}</a> : job.resource.id) : '–'}</td>
        <td>{fmtTime(job.created_at)}</td>
        <td>{fmtTime(job.finished_at)}</td>
        <td>
          {!TERMINAL.includes(job.status) && !confirming && <button onClick={() => setConfirming(true)}>Cancel…</button>}
          {confirming && (
            <span class='confirm' role='group' aria-label='confirm cancel'>
              Cancel this job? <button class='danger' onClick={cancel}>Yes, cancel</button> <button onClick={() => setConfirming(false)}>No</button>
            </span>
          )}
        </td>
      </tr>
      {(job.error || error) && (
        <tr class='detail'><td colSpan={8}><ErrorBox error={[job.error, error].filter(Boolean).join('\n')} /></td></tr>
      )}
    </>
  )
}
