// Mobile sessions ("hết người mới hết giờ"): the sessions of the user's communes, the latest
// first, with how many wait, were served or left; and opening a new one at a place on a day, which
// leads to its own page (queue, shifts, throughput).
import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../api.ts'
import { formatDate, formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { errorText } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { useCommunes } from './IdDashboard.tsx'

export interface SessionCounts {
  waiting: number
  called: number
  served: number
  left: number
  applications: number
}
export interface SessionFields {
  id: string
  unit_code: string
  unit_name: string | null
  era: number
  place: string
  held_on: string
  status: 'open' | 'closed'
  note: string | null
  created_by: string
  created_at: string
  closed_at: string | null
  closed_by: string | null
  close_reason: string | null
}
type SessionItem = SessionFields & { counts: SessionCounts }

/** Today in Vietnam (UTC+7 all year), whatever the browser's clock zone: the sessions' days are Vietnam's. */
export const vietnamToday = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10)

function NewSession({ communes }: { communes: { code: string; name: string }[] }) {
  const { t, lang } = useI18n()
  const [, navigate] = useLocation()
  const [unit, setUnit] = useState(communes.length === 1 ? (communes[0]?.code ?? '') : '')
  const [place, setPlace] = useState('')
  const [heldOn, setHeldOn] = useState(vietnamToday)
  const [note, setNote] = useState('')
  const create = useMutation({
    mutationFn: () =>
      api<{ session: SessionFields }>('POST', '/api/id/sessions', {
        unit_code: unit,
        place: place.trim(),
        held_on: heldOn,
        note: note.trim() || null,
      }),
    onSuccess: (r) => navigate(`/id/sessions/${r.session.id}`),
  })
  function submit(e: FormEvent) {
    e.preventDefault()
    create.mutate()
  }
  return (
    <section aria-labelledby="session-new-heading" className="card">
      <h2 id="session-new-heading">{t('session.new')}</h2>
      <form onSubmit={submit}>
        <div className="row wrap">
          <label>
            {t('session.unit')} *
            <select value={unit} required style={{ maxWidth: '100%' }} onChange={(e) => setUnit(e.target.value)}>
              <option value="">{t('events.chooseUnit')}</option>
              {communes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name} ({c.code})
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            {t('session.place')} *
            <input value={place} required maxLength={200} onChange={(e) => setPlace(e.target.value)} />
          </label>
          <label>
            {t('session.heldOn')} *
            <input type="date" value={heldOn} required onChange={(e) => setHeldOn(e.target.value)} />
          </label>
        </div>
        <label>
          {t('session.note')}
          <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </label>
        {create.error && (
          <p className="error" role="alert">
            {errorText(create.error, lang, t('app.error'))}
          </p>
        )}
        <button type="submit" disabled={create.isPending}>
          {t('session.create')}
        </button>
      </form>
    </section>
  )
}

/** `scope`: the user's units (CODE:ERA), null for a province user. */
export function SessionsPage({ scope, canManage }: { scope: string[] | null; canManage: boolean }) {
  const { t, lang } = useI18n()
  const communes = useCommunes(scope)
  const [unit, setUnit] = useState('')
  const [status, setStatus] = useState<'' | 'open' | 'closed'>('')
  // The cursors of the pages before this one, for going back.
  const [cursors, setCursors] = useState<string[]>([])
  const after = cursors.at(-1)
  const sessions = useQuery({
    queryKey: ['id-sessions', unit, status, after ?? null],
    queryFn: () => {
      const params = new URLSearchParams({ limit: '50' })
      if (unit) params.set('unit', unit)
      if (status) params.set('status', status)
      if (after) params.set('after', after)
      return api<{ items: SessionItem[]; next: string | null }>('GET', `/api/id/sessions?${params}`)
    },
  })
  const items = sessions.data?.items ?? []
  return (
    <section>
      <PageHeading>{t('session.listTitle')}</PageHeading>
      <p className="hint">{t('session.listHint')}</p>
      {canManage && <NewSession communes={communes} />}
      <h2>{t('session.list')}</h2>
      <form className="row wrap" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('session.unit')}
          <select
            value={unit}
            style={{ maxWidth: '100%' }}
            onChange={(e) => {
              setUnit(e.target.value)
              setCursors([])
            }}
          >
            <option value="">{t('session.allUnits')}</option>
            {communes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('session.status')}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as typeof status)
              setCursors([])
            }}
          >
            <option value="">{t('session.status.all')}</option>
            <option value="open">{t('session.status.open')}</option>
            <option value="closed">{t('session.status.closed')}</option>
          </select>
        </label>
      </form>
      {sessions.isError && (
        <p className="error" role="alert">
          {errorText(sessions.error, lang, t('app.error'))}
        </p>
      )}
      {sessions.isPending && <p>{t('app.loading')}</p>}
      {sessions.data && items.length === 0 && <p>{t('session.none')}</p>}
      {items.length > 0 && (
        <table className="results stack" aria-label={t('session.list')}>
          <thead>
            <tr>
              <th>{t('session.place')}</th>
              <th>{t('session.heldOn')}</th>
              <th>{t('session.unit')}</th>
              <th>{t('session.status')}</th>
              <th className="number">{t('session.waiting')}</th>
              <th className="number">{t('session.served')}</th>
              <th className="number">{t('session.left')}</th>
              <th className="number">{t('session.applications')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/id/sessions/${s.id}`}>{s.place}</Link>
                </td>
                <td data-label={t('session.heldOn')}>{formatDate(s.held_on)}</td>
                <td data-label={t('session.unit')}>{s.unit_name ? `${s.unit_name} (${s.unit_code})` : s.unit_code}</td>
                <td data-label={t('session.status')}>{t(s.status === 'open' ? 'session.status.open' : 'session.status.closed')}</td>
                <td className="number" data-label={t('session.waiting')}>
                  {formatNumber(s.counts.waiting + s.counts.called)}
                </td>
                <td className="number" data-label={t('session.served')}>
                  {formatNumber(s.counts.served)}
                </td>
                <td className="number" data-label={t('session.left')}>
                  {formatNumber(s.counts.left)}
                </td>
                <td className="number" data-label={t('session.applications')}>
                  {formatNumber(s.counts.applications)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('due.prev')}
          </button>
        )}
        {sessions.data?.next && (
          <button type="button" onClick={() => setCursors([...cursors, sessions.data?.next as string])}>
            {t('due.next')}
          </button>
        )}
      </div>
    </section>
  )
}
