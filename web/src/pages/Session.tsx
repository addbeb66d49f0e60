// One mobile session ("hết người mới hết giờ"): how the queue stands (waiting, served, the median
// wait, when the last one should be served at this pace), the queue itself — a person of the
// register found by name or personal ID number given the next number, the next one called, their
// application received at the desk (biometrics captured there too), or marked left —, the officers'
// shifts, and what each officer received hour by hour. Closing is refused while anyone waits,
// unless forced with a reason. Several desks work one queue: it is read again every few seconds.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useMemo, useState } from 'react'
import { Link } from 'wouter'
import { ApiError, api, type PersonSummary } from '../api.ts'
import { formatDate, formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { errorText } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { SeriesChart } from '../SeriesChart.tsx'
import type { SessionCounts, SessionFields } from './Sessions.tsx'

interface Shift {
  seq: number
  officer: string
  starts_at: string
  ends_at: string | null
  running: boolean
  hours: number
}
interface Session extends SessionFields {
  summary: SessionCounts & {
    median_wait_minutes: number | null
    longest_waiting_minutes: number | null
    officers_on_shift: number
    estimate: { remaining: number; officers_on_shift: number; served_per_officer_hour: number; minutes: number; finish_at: string } | null
  }
  shifts: Shift[]
}
interface Ticket {
  ticket: number
  person_id: string | null
  name: string
  status: 'waiting' | 'served' | 'left'
  arrived_at: string
  called_at: string | null
  called_by: string | null
  done_at: string | null
  done_by: string | null
  application_id: string | null
  application_no: number | null
  position: number | null
  wait_minutes: number
}
interface Hour {
  start: string
  received: number
  biometrics: number
  shift_minutes: number
}
type Rates = { received: number; biometrics: number } | null
interface Throughput {
  until: string
  hours: (Hour & { officers: number })[]
  officers: { officer: string; received: number; biometrics: number; shift_hours: number; per_shift_hour: Rates; hours: Hour[] }[]
  totals: { received: number; biometrics: number; shift_hours: number; per_shift_hour: Rates; officers: number }
}

const KINDS = ['first_issue', 'renewal', 'reissue', 'change'] as const
type Kind = (typeof KINDS)[number]
/** How often the queue is read again: other desks call and serve too. */
const REFRESH_MS = 10_000

// Vietnam's clock, whatever the browser's zone: the session happens there.
const clock = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
const time = (iso: string | null) => (iso ? clock.format(new Date(iso)) : '—')
/** An hour slot "2026-11-28T08:00+07:00" as "08:00". */
const hourOf = (start: string) => start.slice(11, 16)
const decimal = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 })

/** Reads the session, its queue and throughput again after a change (and the list of sessions). */
function useRefresh() {
  const client = useQueryClient()
  return () => client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('id-session') })
}

/** Looks a person up in the register by name or personal ID number; each found one can be picked. */
function PersonFinder({
  pickLabel,
  busy,
  onPick,
  onNameOnly,
}: {
  pickLabel: string
  busy: boolean
  onPick: (p: PersonSummary) => void
  /** Offered for someone not found: a ticket with the name typed. */
  onNameOnly?: (name: string) => void
}) {
  const { t, lang } = useI18n()
  const [text, setText] = useState('')
  const [query, setQuery] = useState('')
  const inputId = useId()
  const found = useQuery({
    queryKey: ['persons-find', query],
    enabled: query !== '',
    queryFn: () => {
      const params = new URLSearchParams({ limit: '10' })
      params.set(/^\d{9,12}$/.test(query) ? 'personal_id' : 'q', query)
      return api<{ items: PersonSummary[] }>('GET', `/api/persons?${params}`)
    },
  })
  function search(e: FormEvent) {
    e.preventDefault()
    setQuery(text.trim())
  }
  return (
    <div>
      <form className="row wrap" onSubmit={search}>
        <label htmlFor={inputId} className="grow">
          {t('session.findPerson')}
          <input id={inputId} value={text} maxLength={200} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('session.find')}</button>
        {onNameOnly && (
          <button type="button" className="secondary" disabled={busy || text.trim() === ''} onClick={() => onNameOnly(text.trim())}>
            {t('session.nameOnly')}
          </button>
        )}
      </form>
      {found.isError && (
        <p className="error" role="alert">
          {errorText(found.error, lang, t('app.error'))}
        </p>
      )}
      {found.isFetching && <p>{t('app.loading')}</p>}
      {found.data && found.data.items.length === 0 && <p>{t('search.none')}</p>}
      {found.data && found.data.items.length > 0 && (
        <ul className="plain" aria-label={t('session.found')}>
          {found.data.items.map((p) => (
            <li key={p.id} className="row wrap" style={{ alignItems: 'center' }}>
              <span className="grow">
                <strong>{p.name_display}</strong> · {formatDate(p.birth_date)} · {p.personal_id ?? '—'}
              </span>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  onPick(p)
                  // Ready for the next person.
                  setText('')
                  setQuery('')
                }}
              >
                {pickLabel}
                <span className="visually-hidden"> {p.name_display}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** The application received at the desk for a ticket: its kind, why, biometrics at once. */
function ReceiveForm({ sessionId, ticket, onDone }: { sessionId: string; ticket: Ticket; onDone: (t: Ticket, no: number) => void }) {
  const { t, lang } = useI18n()
  const refresh = useRefresh()
  const [kind, setKind] = useState<Kind>('first_issue')
  const [reason, setReason] = useState('')
  const [capture, setCapture] = useState(true)
  const [person, setPerson] = useState<PersonSummary | null>(null)
  const receive = useMutation({
    mutationFn: () =>
      api<{ ticket: Ticket; application: { id: string; no: number } }>(
        'POST',
        `/api/id/sessions/${sessionId}/tickets/${ticket.ticket}/receive`,
        { kind, reason: reason.trim() || null, capture, ...(ticket.person_id ? {} : { person_id: person?.id }) },
      ),
    onSuccess: async (r) => {
      onDone(r.ticket, r.application.no)
      await refresh()
    },
  })
  function submit(e: FormEvent) {
    e.preventDefault()
    receive.mutate()
  }
  const needsPerson = !ticket.person_id
  return (
    <div className="subform">
      {needsPerson && (
        <>
          <p>
            {t('session.whoIs')} {ticket.name}?{' '}
            {person && (
              <strong>
                {person.name_display} ({person.personal_id ?? '—'})
              </strong>
            )}
          </p>
          <PersonFinder pickLabel={t('session.thisOne')} busy={receive.isPending} onPick={setPerson} />
        </>
      )}
      <form onSubmit={submit} aria-label={`${t('session.receive')} ${ticket.ticket}`}>
        <div className="row wrap">
          <label>
            {t('session.kind')}
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`session.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            {t('session.reason')}
            <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" checked={capture} onChange={(e) => setCapture(e.target.checked)} />
          {t('session.capture')}
        </label>
        {receive.error && (
          <p className="error" role="alert">
            {errorText(receive.error, lang, t('app.error'))}
          </p>
        )}
        <button type="submit" disabled={receive.isPending || (needsPerson && !person)}>
          {t('session.receiveSubmit')}
        </button>
      </form>
    </div>
  )
}

function Queue({ session, canManage }: { session: Session; canManage: boolean }) {
  const { t, lang } = useI18n()
  const refresh = useRefresh()
  const open = session.status === 'open' && canManage
  const [serving, setServing] = useState<number | null>(null)
  const [said, setSaid] = useState('')
  const tickets = useQuery({
    queryKey: ['id-session-tickets', session.id],
    queryFn: () => api<{ items: Ticket[] }>('GET', `/api/id/sessions/${session.id}/tickets`),
    refetchInterval: REFRESH_MS,
  })
  const add = useMutation({
    mutationFn: (body: { person_id: string } | { name: string }) =>
      api<{ ticket: Ticket }>('POST', `/api/id/sessions/${session.id}/tickets`, body),
    onSuccess: async (r) => {
      setSaid(`${t('session.added')} ${r.ticket.ticket}: ${r.ticket.name}.`)
      await refresh()
    },
  })
  const call = useMutation({
    mutationFn: () => api<{ ticket: Ticket | null }>('POST', `/api/id/sessions/${session.id}/tickets/next`),
    onSuccess: async (r) => {
      setSaid(r.ticket ? `${t('session.calling')} ${r.ticket.ticket}: ${r.ticket.name}.` : t('session.nobodyWaiting'))
      if (r.ticket) setServing(r.ticket.ticket)
      await refresh()
    },
  })
  const leave = useMutation({
    mutationFn: (ticket: number) => api<{ ticket: Ticket }>('POST', `/api/id/sessions/${session.id}/tickets/${ticket}/leave`),
    onSuccess: async (r) => {
      setSaid(`${t('session.markedLeft')} ${r.ticket.ticket}: ${r.ticket.name}.`)
      if (serving === r.ticket.ticket) setServing(null)
      await refresh()
    },
  })
  const error = add.error ?? call.error ?? leave.error
  const busy = add.isPending || call.isPending || leave.isPending
  const statusText = (k: Ticket) =>
    k.status === 'waiting'
      ? k.called_at
        ? `${t('session.ticket.called')} (${k.called_by ?? ''})`
        : `${t('session.ticket.waiting')}${k.position ? ` · ${t('session.position')} ${k.position}` : ''}`
      : t(k.status === 'served' ? 'session.ticket.served' : 'session.ticket.left')
  const items = tickets.data?.items ?? []
  return (
    <section aria-labelledby="session-queue-heading">
      <h2 id="session-queue-heading">{t('session.queue')}</h2>
      {open && (
        <div className="card">
          <h3>{t('session.addToQueue')}</h3>
          <PersonFinder
            pickLabel={t('session.giveNumber')}
            busy={busy}
            onPick={(p) => add.mutate({ person_id: p.id })}
            onNameOnly={(name) => add.mutate({ name })}
          />
          <button type="button" disabled={busy} onClick={() => call.mutate()}>
            {t('session.callNext')}
          </button>
        </div>
      )}
      <div aria-live="polite">{said && <p className="notice">{said}</p>}</div>
      {error && (
        <p className="error" role="alert">
          {errorText(error, lang, t('app.error'))}
        </p>
      )}
      {tickets.isError && (
        <p className="error" role="alert">
          {errorText(tickets.error, lang, t('app.error'))}
        </p>
      )}
      {tickets.isPending && <p>{t('app.loading')}</p>}
      {tickets.data && items.length === 0 && <p>{t('session.emptyQueue')}</p>}
      {items.length > 0 && (
        <table className="results stack" aria-label={t('session.queue')}>
          <thead>
            <tr>
              <th className="number">{t('session.ticket')}</th>
              <th>{t('person.name')}</th>
              <th>{t('session.status')}</th>
              <th>{t('session.arrived')}</th>
              <th className="number">{t('session.waitMinutes')}</th>
              <th>{t('session.application')}</th>
              {open && <th>{t('session.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <TicketRow
                key={k.ticket}
                k={k}
                open={open}
                busy={busy}
                statusText={statusText(k)}
                serving={serving === k.ticket}
                onServe={() => setServing(serving === k.ticket ? null : k.ticket)}
                onLeave={() => leave.mutate(k.ticket)}
                sessionId={session.id}
                onServed={(done, no) => {
                  setServing(null)
                  setSaid(`${t('session.servedSaid')} ${done.ticket}: ${done.name} — ${t('session.applicationNo')} ${no}.`)
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function TicketRow({
  k,
  open,
  busy,
  statusText,
  serving,
  onServe,
  onLeave,
  sessionId,
  onServed,
}: {
  k: Ticket
  open: boolean
  busy: boolean
  statusText: string
  serving: boolean
  onServe: () => void
  onLeave: () => void
  sessionId: string
  onServed: (t: Ticket, no: number) => void
}) {
  const { t } = useI18n()
  const waiting = k.status === 'waiting'
  return (
    <>
      <tr>
        <td className="number" data-label={t('session.ticket')}>
          {k.ticket}
        </td>
        <td>{k.person_id ? <Link href={`/persons/${k.person_id}`}>{k.name}</Link> : k.name}</td>
        <td data-label={t('session.status')}>{statusText}</td>
        <td data-label={t('session.arrived')}>{time(k.arrived_at)}</td>
        <td className="number" data-label={t('session.waitMinutes')}>
          {formatNumber(k.wait_minutes)}
        </td>
        <td data-label={t('session.application')}>
          {k.application_id ? (
            <Link href={`/id/applications/${k.application_id}`}>
              {t('session.applicationNo')} {k.application_no}
            </Link>
          ) : (
            '—'
          )}
        </td>
        {open && (
          <td data-label={t('session.actions')}>
            {waiting && (
              <div className="row wrap">
                <button type="button" className="small" aria-expanded={serving} disabled={busy} onClick={onServe}>
                  {t('session.receive')}
                  <span className="visually-hidden">
                    {' '}
                    {k.ticket}: {k.name}
                  </span>
                </button>
                <button type="button" className="small secondary" disabled={busy} onClick={onLeave}>
                  {t('session.leave')}
                  <span className="visually-hidden">
                    {' '}
                    {k.ticket}: {k.name}
                  </span>
                </button>
              </div>
            )}
          </td>
        )}
      </tr>
      {serving && waiting && (
        <tr>
          <td colSpan={7}>
            <ReceiveForm sessionId={sessionId} ticket={k} onDone={onServed} />
          </td>
        </tr>
      )}
    </>
  )
}

function Shifts({ session, canManage }: { session: Session; canManage: boolean }) {
  const { t, lang } = useI18n()
  const refresh = useRefresh()
  const [officer, setOfficer] = useState('')
  const open = session.status === 'open' && canManage
  const start = useMutation({
    mutationFn: () =>
      api<{ shift: Shift }>('POST', `/api/id/sessions/${session.id}/shifts`, officer.trim() ? { officer: officer.trim() } : {}),
    onSuccess: async () => {
      setOfficer('')
      await refresh()
    },
  })
  const end = useMutation({
    mutationFn: (seq: number) => api<{ shift: Shift }>('POST', `/api/id/sessions/${session.id}/shifts/${seq}/end`, {}),
    onSuccess: refresh,
  })
  const error = start.error ?? end.error
  function submit(e: FormEvent) {
    e.preventDefault()
    start.mutate()
  }
  return (
    <section aria-labelledby="session-shifts-heading">
      <h2 id="session-shifts-heading">{t('session.shifts')}</h2>
      {session.shifts.length === 0 ? (
        <p>{t('session.noShifts')}</p>
      ) : (
        <table className="results stack" aria-label={t('session.shifts')}>
          <thead>
            <tr>
              <th>{t('session.officer')}</th>
              <th>{t('session.startsAt')}</th>
              <th>{t('session.endsAt')}</th>
              <th className="number">{t('session.hours')}</th>
              {open && <th>{t('session.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {session.shifts.map((s) => (
              <tr key={s.seq}>
                <td>{s.officer}</td>
                <td data-label={t('session.startsAt')}>{time(s.starts_at)}</td>
                <td data-label={t('session.endsAt')}>{s.running ? t('session.running') : time(s.ends_at)}</td>
                <td className="number" data-label={t('session.hours')}>
                  {decimal.format(s.hours)}
                </td>
                {open && (
                  <td data-label={t('session.actions')}>
                    {s.running && (
                      <button type="button" className="small" disabled={end.isPending} onClick={() => end.mutate(s.seq)}>
                        {t('session.endShift')}
                        <span className="visually-hidden"> {s.officer}</span>
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <form className="row wrap" onSubmit={submit}>
          <label>
            {t('session.officerOptional')}
            <input value={officer} maxLength={100} autoComplete="off" onChange={(e) => setOfficer(e.target.value)} />
          </label>
          <button type="submit" disabled={start.isPending}>
            {t('session.startShift')}
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {errorText(error, lang, t('app.error'))}
        </p>
      )}
    </section>
  )
}

function ThroughputSection({ session }: { session: Session }) {
  const { t, lang } = useI18n()
  const throughput = useQuery({
    queryKey: ['id-session-throughput', session.id],
    queryFn: () => api<Throughput>('GET', `/api/id/sessions/${session.id}/throughput`),
    refetchInterval: session.status === 'open' ? REFRESH_MS : false,
  })
  const d = throughput.data
  const categories = useMemo(() => d?.hours.map((h) => hourOf(h.start)) ?? [], [d])
  const series = useMemo(() => d?.officers.map((o) => ({ name: o.officer, values: o.hours.map((h) => h.received) })) ?? [], [d])
  const rate = (r: Rates, k: 'received' | 'biometrics') => (r === null ? '—' : decimal.format(r[k]))
  return (
    <section aria-labelledby="session-throughput-heading">
      <h2 id="session-throughput-heading">{t('session.throughput')}</h2>
      {throughput.isError && (
        <p className="error" role="alert">
          {errorText(throughput.error, lang, t('app.error'))}
        </p>
      )}
      {throughput.isPending && <p>{t('app.loading')}</p>}
      {d && d.officers.length === 0 && <p>{t('session.noThroughput')}</p>}
      {d && d.officers.length > 0 && (
        <>
          <table className="results stack" aria-label={t('session.perOfficer')}>
            <thead>
              <tr>
                <th>{t('session.officer')}</th>
                <th className="number">{t('session.received')}</th>
                <th className="number">{t('session.biometrics')}</th>
                <th className="number">{t('session.shiftHours')}</th>
                <th className="number">{t('session.receivedPerHour')}</th>
                <th className="number">{t('session.biometricsPerHour')}</th>
              </tr>
            </thead>
            <tbody>
              {d.officers.map((o) => (
                <tr key={o.officer}>
                  <td>{o.officer}</td>
                  <td className="number" data-label={t('session.received')}>
                    {formatNumber(o.received)}
                  </td>
                  <td className="number" data-label={t('session.biometrics')}>
                    {formatNumber(o.biometrics)}
                  </td>
                  <td className="number" data-label={t('session.shiftHours')}>
                    {decimal.format(o.shift_hours)}
                  </td>
                  <td className="number" data-label={t('session.receivedPerHour')}>
                    {rate(o.per_shift_hour, 'received')}
                  </td>
                  <td className="number" data-label={t('session.biometricsPerHour')}>
                    {rate(o.per_shift_hour, 'biometrics')}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('iddash.total')}</th>
                <td className="number" data-label={t('session.received')}>
                  {formatNumber(d.totals.received)}
                </td>
                <td className="number" data-label={t('session.biometrics')}>
                  {formatNumber(d.totals.biometrics)}
                </td>
                <td className="number" data-label={t('session.shiftHours')}>
                  {decimal.format(d.totals.shift_hours)}
                </td>
                <td className="number" data-label={t('session.receivedPerHour')}>
                  {rate(d.totals.per_shift_hour, 'received')}
                </td>
                <td className="number" data-label={t('session.biometricsPerHour')}>
                  {rate(d.totals.per_shift_hour, 'biometrics')}
                </td>
              </tr>
            </tfoot>
          </table>
          <h3>{t('session.perHour')}</h3>
          <figure>
            <SeriesChart label={t('session.perHourChart')} categories={categories} series={series} stack />
          </figure>
          <table className="results stack" aria-label={t('session.perHour')}>
            <thead>
              <tr>
                <th>{t('session.hour')}</th>
                {d.officers.map((o) => (
                  <th key={o.officer} className="number">
                    {o.officer}
                  </th>
                ))}
                <th className="number">{t('iddash.total')}</th>
                <th className="number">{t('session.officersOnShift')}</th>
              </tr>
            </thead>
            <tbody>
              {d.hours.map((h, i) => (
                <tr key={h.start}>
                  <td>{hourOf(h.start)}</td>
                  {d.officers.map((o) => (
                    <td key={o.officer} className="number" data-label={o.officer}>
                      {formatNumber(o.hours[i]?.received ?? 0)}
                    </td>
                  ))}
                  <td className="number" data-label={t('iddash.total')}>
                    {formatNumber(h.received)}
                  </td>
                  <td className="number" data-label={t('session.officersOnShift')}>
                    {formatNumber(h.officers)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

function CloseSession({ session }: { session: Session }) {
  const { t, lang } = useI18n()
  const refresh = useRefresh()
  const [force, setForce] = useState(false)
  const [reason, setReason] = useState('')
  const close = useMutation({
    mutationFn: () =>
      api<{ session: Session; left: number }>(
        'POST',
        `/api/id/sessions/${session.id}/close`,
        force ? { force: true, reason: reason.trim() || null } : {},
      ),
    onSuccess: async () => {
      setForce(false)
      await refresh()
    },
    onError: (error) => {
      // Refused while people wait: the officer may still close it, saying why.
      if (error instanceof ApiError && (error.details as { rule?: string } | null)?.rule === 'people-waiting') setForce(true)
    },
  })
  const reopen = useMutation({
    mutationFn: () => api<{ session: Session }>('POST', `/api/id/sessions/${session.id}/reopen`),
    onSuccess: refresh,
  })
  const error = close.error ?? reopen.error
  function submit(e: FormEvent) {
    e.preventDefault()
    close.mutate()
  }
  return (
    <section aria-labelledby="session-close-heading">
      <h2 id="session-close-heading">{t(session.status === 'open' ? 'session.close' : 'session.reopen')}</h2>
      {session.status === 'open' ? (
        <form onSubmit={submit}>
          <p className="hint">{t('session.closeHint')}</p>
          {force && (
            <label>
              {t('session.closeReason')} *
              <input value={reason} required maxLength={500} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
          {error && (
            <p className="error" role="alert">
              {errorText(error, lang, t('app.error'))}
            </p>
          )}
          <button type="submit" disabled={close.isPending}>
            {t(force ? 'session.closeAnyway' : 'session.close')}
          </button>
        </form>
      ) : (
        <>
          {error && (
            <p className="error" role="alert">
              {errorText(error, lang, t('app.error'))}
            </p>
          )}
          <button type="button" className="secondary" disabled={reopen.isPending} onClick={() => reopen.mutate()}>
            {t('session.reopen')}
          </button>
        </>
      )}
    </section>
  )
}

function Summary({ session }: { session: Session }) {
  const { t } = useI18n()
  const s = session.summary
  const minutes = (n: number | null) => (n === null ? '—' : `${formatNumber(n)} ${t('session.minutes')}`)
  const figures: [string, string][] = [
    [t('session.waiting'), formatNumber(s.waiting)],
    [t('session.called'), formatNumber(s.called)],
    [t('session.served'), formatNumber(s.served)],
    [t('session.left'), formatNumber(s.left)],
    [t('session.applications'), formatNumber(s.applications)],
    [t('session.officersOnShift'), formatNumber(s.officers_on_shift)],
    [t('session.medianWait'), minutes(s.median_wait_minutes)],
    [t('session.longestWait'), minutes(s.longest_waiting_minutes)],
    [
      t('session.estimate'),
      s.estimate
        ? `${time(s.estimate.finish_at)} (${formatNumber(s.estimate.remaining)} ${t('session.people')}, ~${formatNumber(s.estimate.minutes)} ${t('session.minutes')})`
        : t('session.noEstimate'),
    ],
  ]
  return (
    <dl className="fields card" id="session-summary">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            <strong>{value}</strong>
          </dd>
        </div>
      ))}
    </dl>
  )
}

export function SessionPage({ id, canManage }: { id: string; canManage: boolean }) {
  const { t, lang } = useI18n()
  const session = useQuery({
    queryKey: ['id-session', id],
    queryFn: () => api<{ session: Session }>('GET', `/api/id/sessions/${id}`).then((r) => r.session),
    refetchInterval: REFRESH_MS,
  })
  if (session.isPending) return <p>{t('app.loading')}</p>
  if (session.isError)
    return (
      <section>
        <PageHeading>{t('session.title')}</PageHeading>
        <p className="error" role="alert">
          {errorText(session.error, lang, t('app.error'))}
        </p>
        <Link href="/id/sessions">{t('session.back')}</Link>
      </section>
    )
  const s = session.data
  return (
    <section>
      <p>
        <Link href="/id/sessions">{t('session.back')}</Link>
      </p>
      <PageHeading>
        {s.place} — {formatDate(s.held_on)}
      </PageHeading>
      <p>
        {s.unit_name ? `${s.unit_name} (${s.unit_code})` : s.unit_code} ·{' '}
        <strong>{t(s.status === 'open' ? 'session.status.open' : 'session.status.closed')}</strong>
        {s.closed_at && ` · ${t('session.closedAt')} ${time(s.closed_at)} (${s.closed_by ?? ''})`}
        {s.close_reason && ` · ${s.close_reason}`}
        {s.note && (
          <>
            <br />
            {s.note}
          </>
        )}
      </p>
      <Summary session={s} />
      <Queue session={s} canManage={canManage} />
      <Shifts session={s} canManage={canManage} />
      <ThroughputSection session={s} />
      {canManage && <CloseSession session={s} />}
    </section>
  )
}
