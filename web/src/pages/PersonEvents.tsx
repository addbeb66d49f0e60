// A person's life in the living register: the events in effective order (a revoked one struck
// through, with its revocation and reason), where they lived when, the undo of an event, and
// the form that records a new one. Refusals show beside the form in the UI's language, and
// what was typed stays.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useState } from 'react'
import { Link } from 'wouter'
import { api, type Person, type PersonSummary } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import {
  CORRECTABLE,
  compact,
  type Era,
  EventSummary,
  eraOf,
  errorText,
  fieldKey,
  type HouseholdHistory,
  HouseholdLookupFields,
  type HouseholdRef,
  type LogEvent,
  NOT_REVOCABLE,
  StayDay,
  type StayRow,
  todayIso,
  UnitSelect,
  useHouseholdLookup,
  useUnitLabel,
} from '../living.tsx'

interface Timeline {
  events: LogEvent[]
  stays: StayRow[]
}

/** Everything an event may have changed: the pages that show it read again. */
export const CHANGED_BY_EVENTS = [
  'person',
  'timeline',
  'household',
  'household-history',
  'persons',
  'population',
  'freshness',
  'reorganisation',
  'overview',
]

export function useInvalidateLiving() {
  const client = useQueryClient()
  return () => client.invalidateQueries({ predicate: (q) => CHANGED_BY_EVENTS.includes(String(q.queryKey[0])) })
}

export function PersonTimeline({ id, canWrite }: { id: string; canWrite: boolean }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const timeline = useQuery({
    queryKey: ['timeline', id],
    queryFn: () => api<Timeline>('GET', `/api/persons/${encodeURIComponent(id)}/timeline`),
  })
  if (timeline.isPending) return <p>{t('app.loading')}</p>
  if (timeline.isError)
    return (
      <p className="error" role="alert">
        {errorText(timeline.error, lang, t('app.error'))}
      </p>
    )
  const { events, stays } = timeline.data
  const byId = new Map(events.map((e) => [e.id, e]))
  const shown = events.filter((e) => e.kind !== 'revocation')
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{t('timeline.title')}</h2>
      {shown.length === 0 ? (
        <p>{t('timeline.none')}</p>
      ) : (
        <ol className="timeline">
          {shown.map((e) => (
            <TimelineEntry
              key={e.id}
              event={e}
              revocation={e.revoked_by ? byId.get(e.revoked_by) : undefined}
              canUndo={canWrite && !e.revoked_by && !NOT_REVOCABLE.includes(e.kind)}
            />
          ))}
        </ol>
      )}
      <h3>{t('timeline.stays')}</h3>
      {stays.length === 0 ? (
        <p>{t('timeline.noStays')}</p>
      ) : (
        <table className="results stack" aria-label={t('timeline.stays')}>
          <thead>
            <tr>
              <th>{t('timeline.place')}</th>
              <th>{t('timeline.from')}</th>
              <th>{t('timeline.till')}</th>
              <th>{t('timeline.kind')}</th>
              <th>{t('household.relation')}</th>
            </tr>
          </thead>
          <tbody>
            {stays.map((s) => (
              <tr key={`${s.valid_from}-${s.kind}-${s.event_id}`}>
                <td>
                  {unitLabel(s.unit_code, s.era)}
                  {s.detail ? `, ${s.detail}` : ''}
                  {s.household_id && (
                    <>
                      {' '}
                      (<Link href={`/households/${s.household_id}`}>{t('timeline.openHousehold')}</Link>)
                    </>
                  )}
                </td>
                <td data-label={t('timeline.from')}>
                  <StayDay day={s.valid_from} open="start" />
                </td>
                <td data-label={t('timeline.till')}>
                  <StayDay day={s.valid_to} open="end" />
                </td>
                <td data-label={t('timeline.kind')}>{t(s.kind === 'temporary' ? 'timeline.temporary' : 'timeline.permanent')}</td>
                <td data-label={t('household.relation')}>{s.relation_to_head ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function TimelineEntry({ event, revocation, canUndo }: { event: LogEvent; revocation: LogEvent | undefined; canUndo: boolean }) {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateLiving()
  const [undoing, setUndoing] = useState(false)
  const [reason, setReason] = useState('')
  const textId = useId()
  const undo = useMutation({
    mutationFn: () =>
      api('POST', '/api/events', { kind: 'revocation', event_id: event.id, effective_on: todayIso(), reason: reason.trim() }),
    onSuccess: async () => {
      setUndoing(false)
      setReason('')
      await invalidate()
    },
  })
  const body = (
    <>
      <strong>{formatDate(event.effective_on)}</strong> · {t(`event.kind.${event.kind}` as MessageKey)}
      <EventSummary event={event} />
    </>
  )
  function submit(e: FormEvent) {
    e.preventDefault()
    undo.mutate()
  }
  return (
    <li className={revocation ? 'revoked' : undefined}>
      <span id={textId}>
        {revocation ? <del>{body}</del> : body}
        <span className="hint">
          {' '}
          · {t('timeline.recordedBy')} {event.officer}
          {event.document ? ` · ${t('timeline.document')}: ${event.document}` : ''}
        </span>
      </span>
      {revocation && (
        <p className="hint">
          {t('timeline.revoked')} {formatDate(revocation.effective_on)} ({revocation.officer}): {String(revocation.details.reason ?? '')}
        </p>
      )}
      {canUndo && !undoing && (
        <button type="button" className="secondary small" aria-describedby={textId} onClick={() => setUndoing(true)}>
          {t('timeline.undo')}
        </button>
      )}
      {undoing && (
        <form className="row wrap subform" onSubmit={submit} aria-describedby={textId}>
          <label className="grow">
            {t('timeline.undoReason')} *
            <input value={reason} required maxLength={300} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" disabled={undo.isPending}>
            {t('timeline.undoSubmit')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setUndoing(false)
              undo.reset()
            }}
          >
            {t('timeline.cancel')}
          </button>
          {undo.error && (
            <p className="error" role="alert">
              {errorText(undo.error, lang, t('app.error'))}
            </p>
          )}
        </form>
      )}
    </li>
  )
}

const PERSON_KINDS = [
  'move',
  'temporary_residence',
  'temporary_absence',
  'marriage',
  'divorce',
  'death',
  'name_change',
  'correction',
  'confirmation',
] as const
type PersonKind = (typeof PERSON_KINDS)[number]
/** After a death only the record itself may change (the API refuses any other event from that day on). */
const AFTER_DEATH: readonly PersonKind[] = ['correction', 'confirmation']

type Destination = 'unit' | 'new' | 'existing' | 'outside'

interface Fields {
  destination: Destination
  unit: string
  detail: string
  household_no: string
  relation: string
  outside: string
  until: string
  where: string
  spouse_id: string
  spouse_name: string
  spouse_q: string
  new_head_id: string
  full_name: string
  field: string
  value: string
  reason: string
}

const blank = (): Fields => ({
  destination: 'unit',
  unit: '',
  detail: '',
  household_no: '',
  relation: '',
  outside: '',
  until: '',
  where: '',
  spouse_id: '',
  spouse_name: '',
  spouse_q: '',
  new_head_id: '',
  full_name: '',
  field: 'full_name',
  value: '',
  reason: '',
})

/** Persons found by name for the spouse's select (from two letters on, a moment after typing). */
function useFoundPersons(q: string) {
  const [query, setQuery] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQuery(q.trim()), 300)
    return () => clearTimeout(timer)
  }, [q])
  return useQuery({
    queryKey: ['persons', 'pick', query],
    enabled: query.length >= 2,
    queryFn: () => api<{ items: PersonSummary[] }>('GET', `/api/persons?${new URLSearchParams({ q: query, limit: '20' })}`),
  })
}

/** The form recording an event for this person. */
export function PersonEventForm({ person }: { person: Person }) {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateLiving()
  const died = typeof person.died_on === 'string' && person.died_on !== ''
  const kinds = died ? AFTER_DEATH : PERSON_KINDS
  const [chosen, setKind] = useState<PersonKind>('move')
  const kind: PersonKind = kinds.includes(chosen) ? chosen : (kinds[0] as PersonKind)
  const [day, setDay] = useState(todayIso)
  const [document, setDocument] = useState('')
  const [f, setF] = useState<Fields>(blank)
  const [target, setTarget] = useState<HouseholdRef>({ era: 2025, unit: '', no: '' })
  const [lookupError, setLookupError] = useState(false)
  const set = (key: keyof Fields) => (e: { target: { value: string } }) => setF((v) => ({ ...v, [key]: e.target.value }))
  const era: Era = eraOf(day)
  const found = useHouseholdLookup(target)
  const persons = useFoundPersons(kind === 'marriage' || kind === 'divorce' ? f.spouse_q : '')
  // The households this person heads: a death may name their new head.
  const headed = person.households.filter((h) => h.relation_to_head === 'Chủ hộ').map((h) => h.household_id)
  const members = useQuery({
    queryKey: ['household-history', headed[0], day],
    enabled: kind === 'death' && headed.length > 0 && /^\d{4}-\d{2}-\d{2}$/.test(day),
    queryFn: () => api<HouseholdHistory>('GET', `/api/households/${headed[0]}/history?on=${day}`),
  })
  const spouses = person.relationships.filter((r) => r.kind === 'spouse' && r.person_id)
  const record = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<{ event: LogEvent }>('POST', '/api/events', body),
    onSuccess: async () => {
      setF(blank())
      setTarget({ era: 2025, unit: '', no: '' })
      setDocument('')
      await invalidate()
    },
  })

  function body(): Record<string, unknown> | null {
    const common = { kind, person_id: person.id, effective_on: day, document }
    switch (kind) {
      case 'move': {
        if (f.destination === 'outside') return compact({ ...common, outside: f.outside })
        if (f.destination === 'existing') {
          if (!found.data) return null
          return compact({ ...common, to: compact({ household_id: found.data.id, relation_to_head: f.relation }) })
        }
        const to = compact({ unit_code: f.unit, detail: f.detail, new_household_no: f.destination === 'new' ? f.household_no : '' })
        return compact({ ...common, to })
      }
      case 'temporary_residence':
        return compact({ ...common, unit_code: f.unit, detail: f.detail, until: f.until })
      case 'temporary_absence':
        return compact({ ...common, until: f.until, destination: f.where })
      case 'marriage':
        return compact({ ...common, spouse_id: f.spouse_id, spouse_name: f.spouse_id ? '' : f.spouse_name })
      case 'divorce':
        return compact({ ...common, spouse_id: f.spouse_id })
      case 'death':
        return compact({ ...common, new_head_id: f.new_head_id })
      case 'name_change':
        return compact({ ...common, full_name: f.full_name })
      case 'correction':
        // An empty value clears the field: it is sent as typed.
        return { ...compact({ ...common, field: f.field, reason: f.reason }), value: f.value.trim() }
      case 'confirmation':
        return compact(common)
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    const b = body()
    setLookupError(b === null)
    if (b) record.mutate(b)
  }

  const unitHint = t(era === 2024 ? 'events.unitHint.2024' : 'events.unitHint.2025')
  const foundPersons = (persons.data?.items ?? []).filter((p) => p.id !== person.id && !spouses.some((s) => s.person_id === p.id))
  return (
    <section aria-labelledby="record-heading" className="event-form">
      <h2 id="record-heading">{t('events.record')}</h2>
      <form onSubmit={submit}>
        <div className="row wrap">
          <label>
            {t('events.kind')}
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as PersonKind)
                record.reset()
                setLookupError(false)
              }}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`event.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('events.effectiveOn')} *
            <input type="date" value={day} required max={todayIso()} onChange={(e) => setDay(e.target.value)} />
          </label>
          <label className="grow">
            {t('events.document')}
            <input value={document} maxLength={300} onChange={(e) => setDocument(e.target.value)} />
          </label>
        </div>

        {kind === 'move' && (
          <>
            <label>
              {t('events.destination')}
              <select value={f.destination} onChange={set('destination')}>
                <option value="unit">{t('events.destination.unit')}</option>
                <option value="new">{t('events.destination.new')}</option>
                <option value="existing">{t('events.destination.existing')}</option>
                <option value="outside">{t('events.destination.outside')}</option>
              </select>
            </label>
            {(f.destination === 'unit' || f.destination === 'new') && (
              <div className="row wrap">
                <UnitSelect
                  era={era}
                  value={f.unit}
                  onChange={(unit) => setF((v) => ({ ...v, unit }))}
                  label={t('events.unit')}
                  required
                  hint={unitHint}
                />
                <label className="grow">
                  {t('events.detail')}
                  <input value={f.detail} maxLength={300} onChange={set('detail')} />
                </label>
                {f.destination === 'new' && (
                  <label>
                    {t('events.newHouseholdNo')} *
                    <input value={f.household_no} required maxLength={30} onChange={set('household_no')} />
                  </label>
                )}
              </div>
            )}
            {f.destination === 'existing' && (
              <>
                <HouseholdLookupFields value={target} onChange={setTarget} legend={t('events.destination.existing')} />
                <label>
                  {t('events.relation')}
                  <input value={f.relation} maxLength={50} onChange={set('relation')} />
                </label>
              </>
            )}
            {f.destination === 'outside' && (
              <label>
                {t('events.outside')} *
                <input value={f.outside} required maxLength={200} onChange={set('outside')} />
              </label>
            )}
          </>
        )}

        {kind === 'temporary_residence' && (
          <div className="row wrap">
            <UnitSelect
              era={era}
              value={f.unit}
              onChange={(unit) => setF((v) => ({ ...v, unit }))}
              label={t('events.unit')}
              required
              hint={unitHint}
            />
            <label className="grow">
              {t('events.detail')}
              <input value={f.detail} maxLength={300} onChange={set('detail')} />
            </label>
            <label>
              {t('events.until')} *
              <input type="date" value={f.until} required onChange={set('until')} />
            </label>
          </div>
        )}

        {kind === 'temporary_absence' && (
          <div className="row wrap">
            <label className="grow">
              {t('events.absenceWhere')}
              <input value={f.where} maxLength={300} onChange={set('where')} />
            </label>
            <label>
              {t('events.untilOptional')}
              <input type="date" value={f.until} onChange={set('until')} />
            </label>
          </div>
        )}

        {(kind === 'marriage' || kind === 'divorce') && (
          <div className="row wrap">
            <label>
              {t('events.findPerson')}
              <input value={f.spouse_q} maxLength={200} onChange={set('spouse_q')} />
            </label>
            <label className="grow">
              {t('events.spouse')}
              <select value={f.spouse_id} onChange={set('spouse_id')}>
                <option value="">{t('events.spouse.none')}</option>
                {spouses.map((s) => (
                  <option key={s.person_id} value={s.person_id ?? ''}>
                    {s.name ?? s.personal_id}
                  </option>
                ))}
                {foundPersons.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name_display}
                    {p.birth_date ? ` (${formatDate(p.birth_date)})` : ''}
                  </option>
                ))}
              </select>
            </label>
            {kind === 'marriage' && !f.spouse_id && (
              <label className="grow">
                {t('events.spouseName')}
                <input value={f.spouse_name} maxLength={120} onChange={set('spouse_name')} />
              </label>
            )}
          </div>
        )}

        {kind === 'death' && headed.length > 0 && (
          <label>
            {t('events.newHeadOptional')}
            <select value={f.new_head_id} onChange={set('new_head_id')}>
              <option value="">{t('events.newHead.none')}</option>
              {(members.data?.members_on ?? [])
                .filter((m) => m.person_id !== person.id)
                .map((m) => (
                  <option key={m.person_id} value={m.person_id}>
                    {m.name_display}
                    {m.relation_to_head ? ` (${m.relation_to_head})` : ''}
                  </option>
                ))}
            </select>
          </label>
        )}

        {kind === 'name_change' && (
          <label>
            {t('events.newName')} *
            <input value={f.full_name} required maxLength={120} onChange={set('full_name')} />
          </label>
        )}

        {kind === 'correction' && (
          <div className="row wrap">
            <label>
              {t('events.field')}
              <select value={f.field} onChange={set('field')}>
                {CORRECTABLE.map((c) => (
                  <option key={c} value={c}>
                    {t(fieldKey(c))}
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              {t('events.value')}
              <input value={f.value} maxLength={300} onChange={set('value')} />
            </label>
            <label className="grow">
              {t('events.reason')} *
              <input value={f.reason} required maxLength={300} onChange={set('reason')} />
            </label>
          </div>
        )}

        {kind === 'confirmation' && <p className="hint">{t('events.confirmation.hint')}</p>}

        <button type="submit" disabled={record.isPending}>
          {t('events.submit')}
        </button>
        <div aria-live="polite">
          {record.isSuccess && (
            <p className="notice">
              {t('events.recorded')} {t(`event.kind.${kind}` as MessageKey)}, {formatDate(day)}.
            </p>
          )}
        </div>
        {lookupError && (
          <p className="error" role="alert">
            {t('events.householdNotFound')}
          </p>
        )}
        {record.error && (
          <p className="error" role="alert">
            {errorText(record.error, lang, t('app.error'))}
          </p>
        )}
      </form>
    </section>
  )
}
