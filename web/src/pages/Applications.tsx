// Identity-card applications: the list (newest first, or the overdue ones most overdue first),
// filtered by state, unit and overdue, a page at a time by the API's cursor; and on a person's
// page their applications with the form receiving a new one (the rules by age refuse with their
// reason, shown beside the form in the UI's language, nothing typed lost).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link } from 'wouter'
import { api, type Person } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { errorText, todayIso, UnitSelect, useUnitLabel } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'

export const STATES = [
  'received',
  'biometrics_captured',
  'sent_for_production',
  'produced',
  'arrived',
  'handed_over',
  'returned_for_correction',
  'cancelled',
] as const
export type State = (typeof STATES)[number]

export const KINDS = ['first_issue', 'renewal', 'reissue', 'change'] as const
export type Kind = (typeof KINDS)[number]

/** An application as the API gives it. */
export interface Application {
  id: string
  no: number
  person_id: string
  personal_id: string
  name_display: string
  birth_date: string | null
  kind: Kind
  reason: string | null
  state: State
  state_name: { vi: string; en: string }
  biometrics: boolean
  unit_code: string
  era: number
  session_id: string | null
  received_on: string
  received_by: string
  complete_on: string | null
  due_on: string | null
  due_provisional: boolean
  overdue: boolean
  state_at: string
  arrived_on: string | null
  handed_over_on: string | null
  receiver: string | null
  version: number
  next: State[]
}

export const stateKey = (s: string) => `id.state.${s}` as MessageKey
export const kindKey = (k: string) => `id.kind.${k}` as MessageKey

/** The queries an application's change may alter: lists, one application, its slip. */
export const APPLICATION_QUERIES = ['id-applications', 'id-application', 'id-slip']

export function useInvalidateApplications() {
  const client = useQueryClient()
  return () => client.invalidateQueries({ predicate: (q) => APPLICATION_QUERIES.includes(String(q.queryKey[0])) })
}

/** The due day with what qualifies it: overdue, provisional (a year whose days off are estimated). */
export function DueDay({ a }: { a: Pick<Application, 'due_on' | 'due_provisional' | 'overdue'> }) {
  const { t } = useI18n()
  if (!a.due_on) return <>{t('id.notComplete')}</>
  return (
    <>
      {formatDate(a.due_on)}
      {a.due_provisional && <span className="hint"> ({t('id.provisional')})</span>}
      {a.overdue && (
        <>
          {' '}
          <strong className="error">{t('id.overdue')}</strong>
        </>
      )}
    </>
  )
}

interface Page {
  items: Application[]
  next: string | null
}

export function ApplicationsPage({ canManage }: { canManage: boolean }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const [state, setState] = useState('')
  const [unit, setUnit] = useState('')
  const [overdue, setOverdue] = useState(false)
  // The cursors of the pages shown before this one: the first page has none.
  const [cursors, setCursors] = useState<string[]>([])
  const after = cursors[cursors.length - 1]
  const filter = (apply: () => void) => {
    apply()
    setCursors([])
  }
  const list = useQuery({
    queryKey: ['id-applications', { state, unit, overdue, after }],
    queryFn: () => {
      const params = new URLSearchParams({ limit: '50' })
      if (state) params.set('state', state)
      if (unit) params.set('unit', unit)
      if (overdue) params.set('overdue', 'true')
      if (after) params.set('after', after)
      return api<Page>('GET', `/api/id/applications?${params}`)
    },
  })
  const caption = overdue ? t('id.list.overdueCaption') : t('id.list.caption')
  return (
    <section>
      <PageHeading>{t('id.list.title')}</PageHeading>
      <p className="hint">
        {t('id.list.hint')}
        {canManage && (
          <>
            {' '}
            <Link href="/id/batches">{t('id.nav.batch')}</Link>
          </>
        )}
      </p>
      <form className="row wrap" onSubmit={(e) => e.preventDefault()} aria-label={t('id.list.filters')}>
        <label>
          {t('id.state')}
          <select value={state} onChange={(e) => filter(() => setState(e.target.value))}>
            <option value="">{t('id.list.allStates')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(stateKey(s))}
              </option>
            ))}
          </select>
        </label>
        <UnitSelect era={2025} value={unit} onChange={(u) => filter(() => setUnit(u))} label={t('id.unit')} />
        <label className="check">
          <input type="checkbox" checked={overdue} onChange={(e) => filter(() => setOverdue(e.target.checked))} />
          {t('id.list.overdueOnly')}
        </label>
      </form>
      {list.isPending && <p>{t('app.loading')}</p>}
      {list.isError && (
        <p className="error" role="alert">
          {errorText(list.error, lang, t('app.error'))}
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p>{t('id.list.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="results stack" aria-label={caption}>
          <caption>
            {caption}
            {cursors.length > 0 && ` · ${t('id.list.page')} ${cursors.length + 1}`}
          </caption>
          <thead>
            <tr>
              <th>{t('id.holder')}</th>
              <th className="number">{t('id.no')}</th>
              <th>{t('id.personalId')}</th>
              <th>{t('id.kind')}</th>
              <th>{t('id.state')}</th>
              <th>{t('id.receivedOn')}</th>
              <th>{t('id.dueOn')}</th>
              <th>{t('id.unit')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/id/applications/${a.id}`}>{a.name_display}</Link>
                </td>
                <td className="number" data-label={t('id.no')}>
                  {a.no}
                </td>
                <td data-label={t('id.personalId')}>{a.personal_id}</td>
                <td data-label={t('id.kind')}>{t(kindKey(a.kind))}</td>
                <td data-label={t('id.state')}>{a.state_name[lang]}</td>
                <td data-label={t('id.receivedOn')}>{formatDate(a.received_on)}</td>
                <td data-label={t('id.dueOn')}>
                  <DueDay a={a} />
                </td>
                <td data-label={t('id.unit')}>{unitLabel(a.unit_code, a.era)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row wrap">
        {cursors.length > 0 && (
          <button type="button" className="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('id.list.previous')}
          </button>
        )}
        {list.data?.next && (
          <button type="button" className="secondary" onClick={() => setCursors([...cursors, list.data.next as string])}>
            {t('id.list.next')}
          </button>
        )}
      </div>
    </section>
  )
}

/** What each kind needs written: a reissue its reason, a change what changes. */
const REASON: Partial<Record<Kind, MessageKey>> = { reissue: 'id.reason.reissue', change: 'id.reason.change' }

/** On a person's page: their applications, and (for the card post) the form receiving a new one. */
export function PersonApplications({ person, canManage }: { person: Person; canManage: boolean }) {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateApplications()
  const [kind, setKind] = useState<Kind>('first_issue')
  const [reason, setReason] = useState('')
  const [day, setDay] = useState(todayIso)
  const [unit, setUnit] = useState('')
  const list = useQuery({
    queryKey: ['id-applications', { person: person.id }],
    queryFn: () => api<Page>('GET', `/api/id/applications?person=${encodeURIComponent(person.id)}&limit=20`),
  })
  const receive = useMutation({
    mutationFn: () =>
      api<{ application: Application }>('POST', '/api/id/applications', {
        person_id: person.id,
        kind,
        reason: REASON[kind] && reason.trim() ? reason.trim() : null,
        // Today is the server's (Vietnam's) day: sent only when another day is chosen.
        ...(day !== todayIso() ? { received_on: day } : {}),
        ...(unit ? { unit_code: unit } : {}),
      }),
    onSuccess: async () => {
      setReason('')
      await invalidate()
    },
  })
  function submit(e: FormEvent) {
    e.preventDefault()
    receive.mutate()
  }
  const done = receive.data?.application
  const reasonKey = REASON[kind]
  return (
    <section aria-labelledby="id-applications-heading" className="event-form">
      <h2 id="id-applications-heading">{t('id.person.title')}</h2>
      {list.isError && (
        <p className="error" role="alert">
          {errorText(list.error, lang, t('app.error'))}
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p>{t('id.person.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul>
          {list.data.items.map((a) => (
            <li key={a.id}>
              <Link href={`/id/applications/${a.id}`}>
                {t('id.no')} {a.no}
              </Link>{' '}
              · {t(kindKey(a.kind))} · {a.state_name[lang]} · {t('id.receivedOn').toLowerCase()} {formatDate(a.received_on)}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form onSubmit={submit} aria-labelledby="id-receive-heading">
          <h3 id="id-receive-heading">{t('id.receive.title')}</h3>
          <div className="row wrap">
            <label>
              {t('id.kind')}
              <select
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as Kind)
                  receive.reset()
                }}
              >
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(kindKey(k))}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('id.receivedOn')} *
              <input type="date" value={day} required max={todayIso()} onChange={(e) => setDay(e.target.value)} />
            </label>
            {reasonKey && (
              <label className="grow">
                {t(reasonKey)} *
                <input value={reason} required maxLength={500} onChange={(e) => setReason(e.target.value)} />
              </label>
            )}
          </div>
          <UnitSelect era={2025} value={unit} onChange={setUnit} label={t('id.receive.unit')} hint={t('id.receive.unitHint')} />
          <button type="submit" disabled={receive.isPending}>
            {t('id.receive.submit')}
          </button>
          <div aria-live="polite">
            {done && (
              <p className="notice">
                {t('id.receive.done')} {done.no} ({t(kindKey(done.kind))}). <Link href={`/id/applications/${done.id}`}>{t('id.open')}</Link>{' '}
                · <Link href={`/id/applications/${done.id}/slip`}>{t('id.slip.open')}</Link>
              </p>
            )}
          </div>
          {receive.error && (
            <p className="error" role="alert">
              {errorText(receive.error, lang, t('app.error'))}
            </p>
          )}
        </form>
      )}
    </section>
  )
}
