// The living register's shared pieces for the person, household, population and reorganisation
// pages: units of either era by name, the log's events told in words, errors in the UI's
// language, the unit and household pickers of the event forms.
import { useQuery } from '@tanstack/react-query'
import { type ReactNode, useCallback, useId } from 'react'
import { Link } from 'wouter'
import { ApiError, api } from './api.ts'
import { formatDate } from './format.ts'
import { useI18n } from './i18n/i18n.tsx'
import type { MessageKey } from './i18n/messages.ts'

export type Era = 2024 | 2025

export const EVENT_KINDS = [
  'birth',
  'death',
  'move',
  'temporary_residence',
  'temporary_absence',
  'marriage',
  'divorce',
  'household_split',
  'household_merge',
  'head_change',
  'name_change',
  'correction',
  'confirmation',
  'revocation',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

/** Events undone by a new event instead (the API refuses their revocation). */
export const NOT_REVOCABLE: readonly EventKind[] = ['birth', 'head_change', 'household_split', 'revocation']

/** An event of the log as the API gives it. */
export interface LogEvent {
  id: string
  kind: EventKind
  person_id: string | null
  household_id: string | null
  effective_on: string
  recorded_at: string
  officer: string
  document: string | null
  details: Record<string, unknown>
  batch_id: string | null
  revoked_by?: string | null
}

/** Where a person lived from when to when ('-infinity'/'infinity' for open ends; `valid_to` not included). */
export interface StayRow {
  valid_from: string
  valid_to: string
  kind: 'permanent' | 'temporary'
  unit_code: string
  era: number
  household_id: string | null
  relation_to_head: string | null
  detail: string | null
  event_id: string | null
}

export interface HouseholdStay {
  person_id: string
  name_display: string
  relation_to_head: string | null
  valid_from: string
  valid_to: string
  kind: string
  unit_code: string
  era: number
}

export interface HouseholdHistory {
  stays: HouseholdStay[]
  events: LogEvent[]
  members_on: HouseholdStay[] | null
}

/** Today in the browser's calendar, YYYY-MM-DD. */
export function todayIso(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The map a day falls in: the 2024 units until 30 June 2025, today's from 1 July 2025. */
export const eraOf = (day: string): Era => (day < '2025-07-01' ? 2024 : 2025)

/** Vietnamese alphabetical order: a ă â b c d đ e ê … */
export const collator = new Intl.Collator('vi')

interface UnitItem {
  code: string
  name: string
}

/** The communes of an era, in Vietnamese name order (reference data: fetched once). */
export function useUnits(era: Era) {
  return useQuery({
    queryKey: ['units', era, 'commune'],
    queryFn: async () => {
      const r = await api<{ items: UnitItem[] }>('GET', `/api/units?era=${era}&level=commune`)
      return [...r.items].sort((a, b) => collator.compare(a.name, b.name))
    },
    staleTime: Infinity,
  })
}

/** A unit's name from its code and era, "Phường Hà Tu (06652)", with the era when it is the old map. */
export function useUnitLabel(): (code: string, era: number) => string {
  const old = useUnits(2024)
  const now = useUnits(2025)
  return useCallback(
    (code: string, era: number) => {
      const name = (era === 2024 ? old.data : now.data)?.find((u) => u.code === code)?.name
      const tail = era === 2024 ? `${code}, 2024` : code
      return name ? `${name} (${tail})` : `${code} (${era})`
    },
    [old.data, now.data],
  )
}

/** An API error in the UI's language; a refused input also names what was wrong with it. */
export function errorText(error: unknown, lang: 'vi' | 'en', fallback: string): string {
  if (!(error instanceof ApiError)) return fallback
  const reasons = Array.isArray(error.details)
    ? (error.details as { message?: unknown }[])
        .map((d) => (typeof d.message === 'string' ? d.message : ''))
        .filter(Boolean)
        // The schema's messages read "English / tiếng Việt".
        .map((m) => {
          const [en, vi] = m.split(' / ')
          return (lang === 'vi' ? (vi ?? en) : en) ?? m
        })
    : []
  return [error.text[lang], ...reasons].join(' ')
}

/** A stay's day: "từ trước" for an open start, "nay" for an open end. */
export function StayDay({ day, open }: { day: string; open: 'start' | 'end' }) {
  const { t } = useI18n()
  if (day === '-infinity') return <>{t('timeline.openStart')}</>
  if (day === 'infinity') return <>{t(open === 'end' ? 'timeline.openEnd' : 'timeline.openStart')}</>
  return <>{formatDate(day)}</>
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)

interface Place {
  unit_code: string
  era: number
  detail: string | null
  household_id: string | null
}

/** What an event did, in words: where to, until when, with whom, which value. */
export function EventSummary({
  event,
  personName,
  here,
}: {
  event: LogEvent
  personName?: (id: string) => string | undefined
  /** The household whose page shows the event, when it is one. */
  here?: string
}) {
  const { t } = useI18n()
  const unitLabel = useUnitLabel()
  const d = event.details
  const person = (id: unknown, fallback: MessageKey): ReactNode =>
    typeof id === 'string' ? <Link href={`/persons/${id}`}>{personName?.(id) ?? t(fallback)}</Link> : null
  const household = (id: unknown): ReactNode =>
    typeof id === 'string' ? <Link href={`/households/${id}`}>{t('timeline.openHousehold')}</Link> : null
  const place = (p: Place | null | undefined): ReactNode =>
    p ? (
      <>
        {unitLabel(p.unit_code, p.era)}
        {p.detail ? `, ${p.detail}` : ''}
        {p.household_id && <> ({household(p.household_id)})</>}
      </>
    ) : null
  const parts: ReactNode[] = []
  switch (event.kind) {
    case 'birth':
      parts.push(place(d.place as Place))
      break
    case 'death':
      if (d.new_head_id)
        parts.push(
          <>
            {t('events.newHead')}: {person(d.new_head_id, 'timeline.person')}
          </>,
        )
      break
    case 'move':
      parts.push(
        d.place ? (
          <>
            {t('timeline.to')} {place(d.place as Place)}
          </>
        ) : (
          <>
            {t('timeline.outside')}: {text(d.outside) ?? '—'}
          </>
        ),
      )
      break
    case 'temporary_residence':
      parts.push(
        <>
          {t('timeline.at')} {place(d.place as Place)}
        </>,
        <>
          {t('timeline.until')} {formatDate(text(d.until))}
        </>,
      )
      break
    case 'temporary_absence':
      if (text(d.destination))
        parts.push(
          <>
            {t('timeline.goingTo')}: {text(d.destination)}
          </>,
        )
      if (text(d.until))
        parts.push(
          <>
            {t('timeline.until')} {formatDate(text(d.until))}
          </>,
        )
      break
    case 'marriage':
    case 'divorce':
      if (d.spouse_id) parts.push(person(d.spouse_id, 'timeline.spouse'))
      else if (text(d.spouse_name)) parts.push(text(d.spouse_name))
      break
    case 'household_split': {
      const members = Array.isArray(d.members) ? d.members.length : 0
      parts.push(
        <>
          {members} {t('timeline.personsTo')} {text(d.household_no)} ({household(d.new_household_id)})
        </>,
      )
      if (d.head_id)
        parts.push(
          <>
            {t('events.newHead')}: {person(d.head_id, 'timeline.person')}
          </>,
        )
      break
    }
    case 'household_merge': {
      const members = Array.isArray(d.members) ? d.members.length : 0
      parts.push(
        here !== undefined && here === d.to_household_id ? (
          <>
            {members} {t('timeline.personsIntoHere')} ({household(event.household_id)})
          </>
        ) : (
          <>
            {members} {t('timeline.personsInto')} ({household(d.to_household_id)})
          </>
        ),
      )
      break
    }
    case 'head_change':
      parts.push(person(d.head_id, 'timeline.person'))
      break
    case 'name_change':
      parts.push(`${text(d.from) ?? '—'} → ${text(d.to) ?? '—'}`)
      break
    case 'correction':
      parts.push(
        `${t(fieldKey(String(d.field)))}: ${text(d.previous) ?? '—'} → ${text(d.value) ?? '—'}`,
        <>
          {t('timeline.reason')}: {text(d.reason)}
        </>,
      )
      break
    default:
      break
  }
  const shown = parts.filter((p) => p !== null && p !== undefined && p !== '')
  return (
    <>
      {shown.map((p, i) => (
        // The parts of one event never change order.
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed positions
        <span key={i}>
          {i > 0 ? '; ' : ': '}
          {p}
        </span>
      ))}
    </>
  )
}

/** The fields a correction may change, labelled as the DC01 form labels them. */
export const CORRECTABLE = [
  'full_name',
  'other_name',
  'birth_date',
  'sex',
  'personal_id',
  'ethnicity_code',
  'religion',
  'nationality',
  'occupation',
  'phone',
  'email',
  'hometown',
  'birth_reg_place',
] as const
export type Correctable = (typeof CORRECTABLE)[number]

export function fieldKey(field: string): MessageKey {
  return field === 'ethnicity_code' ? 'events.field.ethnicity_code' : (`dc01.${field}` as MessageKey)
}

/** A select of the communes of an era; its first option chooses none. */
export function UnitSelect({
  era,
  value,
  onChange,
  label,
  required,
  hint,
}: {
  era: Era
  value: string
  onChange: (code: string) => void
  label: string
  required?: boolean
  hint?: string
}) {
  const { t } = useI18n()
  const units = useUnits(era)
  const hintId = useId()
  return (
    <div className="field-group">
      <label className={hint ? 'with-hint' : undefined}>
        {label}
        {required ? ' *' : ''}
        <select value={value} required={required} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? hintId : undefined}>
          <option value="">{t('events.chooseUnit')}</option>
          {units.data?.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name} ({u.code})
            </option>
          ))}
        </select>
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  )
}

export interface HouseholdRef {
  era: Era
  unit: string
  no: string
}

interface FoundHousehold {
  id: string
  household_no: string
  head_name: string | null
  address: string | null
}

/** The household a unit, era and number name (households keep the era they were recorded in). */
export function useHouseholdLookup(ref: HouseholdRef) {
  const no = ref.no.trim()
  return useQuery({
    queryKey: ['household-lookup', ref.era, ref.unit, no],
    enabled: Boolean(ref.unit && no),
    queryFn: async () => {
      const params = new URLSearchParams({ unit: ref.unit, era: String(ref.era), household_no: no, limit: '1' })
      const r = await api<{ items: FoundHousehold[] }>('GET', `/api/households?${params}`)
      return r.items[0] ?? null
    },
  })
}

/** Era, commune and household number of an existing household, and what they find. */
export function HouseholdLookupFields({
  value,
  onChange,
  legend,
}: {
  value: HouseholdRef
  onChange: (next: HouseholdRef) => void
  legend: string
}) {
  const { t } = useI18n()
  const found = useHouseholdLookup(value)
  return (
    <fieldset className="subform">
      <legend>{legend}</legend>
      <div className="row wrap">
        <label>
          {t('events.era')}
          <select value={value.era} onChange={(e) => onChange({ ...value, era: Number(e.target.value) as Era, unit: '' })}>
            <option value={2025}>{t('events.era.2025')}</option>
            <option value={2024}>{t('events.era.2024')}</option>
          </select>
        </label>
        <UnitSelect
          era={value.era}
          value={value.unit}
          onChange={(unit) => onChange({ ...value, unit })}
          label={t('events.unit')}
          required
        />
        <label>
          {t('events.householdNo')} *
          <input value={value.no} required maxLength={30} onChange={(e) => onChange({ ...value, no: e.target.value })} />
        </label>
      </div>
      <p className="hint" aria-live="polite">
        {found.data === null && t('events.householdNotFound')}
        {found.data && (
          <>
            {t('events.householdFound')} {found.data.household_no}: {found.data.head_name ?? '—'}
            {found.data.address ? `, ${found.data.address}` : ''}
          </>
        )}
      </p>
    </fieldset>
  )
}

/** Drops empty optional strings, so the API sees them absent. */
export function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body)
      .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  )
}
