// The DC01 form on one screen: the importer's checks run as the officer types (findings shown
// beside the fields), units offered by era, the draft kept in this browser until it is saved
// (a session that expires loses nothing), and the filled form printable. Persons already in the
// register the form may describe show before it is saved, with the evidence; nothing blocks saving.
import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { DC01_COLUMNS, type Dc01Key } from '../../../src/intake/dc01.ts'
import { ApiError, api } from '../api.ts'
import { type Evidence, EvidenceTable, textOf } from '../Evidence.tsx'
import { formatPercent } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { PageHeading } from '../PageHeading.tsx'

interface Finding {
  rule: string
  severity: 'error' | 'warning'
  field: string | null
  message: { vi: string; en: string }
}
/** A register person the form may describe (dedup's check of the form as typed). */
interface Match {
  person_id: string
  name_display: string
  birth_year: number | null
  probability: number
  conflict: string | null
  evidence: Evidence[]
}
interface Checked {
  findings: Finding[]
  completeness: number
  missing: string[]
  matches?: Match[]
}
interface Saved {
  outcome: string
  form_id: string | null
  findings: Finding[]
}

const UNIT_FIELDS: Dc01Key[] = ['collecting_unit', 'permanent_unit', 'current_unit']
/** An address field and the unit field its resolved commune fills. */
const ADDRESS_UNIT: Partial<Record<Dc01Key, Dc01Key>> = { permanent_address: 'permanent_unit', current_address: 'current_unit' }

interface Candidate {
  code: string
  name: string
  level: string
  era: number
  valid_from: string | null
  valid_to: string | null
}

/** The collection date as ISO (the units an address names depend on it), else today. */
function isoDay(typed: string | undefined): string {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec((typed ?? '').trim())
  return m ? `${m[3]}-${(m[2] as string).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}` : new Date().toISOString().slice(0, 10)
}

/** The commune an address names, suggested for its unit field (the resolver reads both eras). */
function AddressSuggestion({ text, unit, on, onPick }: { text: string; unit: string; on: string; onPick: (code: string) => void }) {
  const { t } = useI18n()
  const [query, setQuery] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 400)
    return () => clearTimeout(timer)
  }, [text])
  const resolved = useQuery({
    queryKey: ['resolve', query, on],
    enabled: query.length >= 4,
    queryFn: () => api<{ candidates: Candidate[] }>('GET', `/api/addresses/resolve?text=${encodeURIComponent(query)}&on=${on}`),
    staleTime: Infinity,
  })
  // The commune in force on the collection day: that is the code the form must carry.
  const best = resolved.data?.candidates.find(
    (c) => c.level === 'commune' && (c.valid_from ?? '0000') <= on && (c.valid_to === null || on < c.valid_to),
  )
  if (!best || best.code === unit) return null
  return (
    <button type="button" className="link suggestion" onClick={() => onPick(best.code)}>
      {t('form.useUnit')} {best.name} ({best.code}
      {best.era === 2025 ? '' : `, ${best.era}`})
    </button>
  )
}
/** "Possibly a person already in the register": each with its evidence, opening in a new tab (the draft stays). */
function Matches({ matches }: { matches: Match[] }) {
  const { t } = useI18n()
  return (
    <section className="matches" aria-labelledby="matches-heading">
      <h2 id="matches-heading">{t('form.matches')}</h2>
      <p className="hint">{t('form.matches.hint')}</p>
      <ul>
        {matches.map((m) => (
          <li key={m.person_id}>
            <a href={`/persons/${m.person_id}`} target="_blank" rel="noopener">
              {m.name_display}
              <span className="visually-hidden"> {t('dedup.newTab')}</span>
            </a>
            {m.birth_year !== null && ` · ${t('household.birthYear')} ${m.birth_year}`} · {t('dedup.probability')}{' '}
            {formatPercent(m.probability)}
            {m.conflict && (
              <>
                {' '}
                · <strong>{t('dedup.conflict')}</strong>: {textOf(t, `dedup.conflict.${m.conflict}`, m.conflict)}
              </>
            )}
            <details>
              <summary>{t('form.matches.evidence')}</summary>
              <EvidenceTable evidence={m.evidence} />
            </details>
          </li>
        ))}
      </ul>
    </section>
  )
}
const today = () => {
  const d = new Date()
  return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`
}
const blank = (): Partial<Record<Dc01Key, string>> => ({ collected_on: today(), nationality: 'Việt Nam' })

/** Each user's draft is their own: kept across an expired session, never shown to someone else. */
const draftKey = (username: string) => `coso.form-draft.${username}`

function loadDraft(DRAFT: string): Partial<Record<Dc01Key, string>> {
  try {
    return { ...blank(), ...JSON.parse(localStorage.getItem(DRAFT) ?? '{}') }
  } catch {
    return blank()
  }
}

export function FormEntryPage({ username }: { username: string }) {
  const { t, lang } = useI18n()
  const DRAFT = draftKey(username)
  const [values, setValues] = useState<Partial<Record<Dc01Key, string>>>(() => loadDraft(DRAFT))
  const [checked, setChecked] = useState<Checked | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const units = useQuery({
    queryKey: ['units', 2025],
    queryFn: () => api<{ items: { code: string; name: string }[] }>('GET', '/api/units?era=2025&level=commune'),
    staleTime: Infinity,
  })
  const save = useMutation({
    mutationFn: () => api<Saved>('POST', '/api/forms', values),
    onSuccess: (saved) => {
      if (saved.outcome !== 'needs_correction') {
        localStorage.removeItem(DRAFT)
        setValues(blank())
        setChecked(null)
      }
    },
  })

  // Opened from the correction queue: the held form, as typed, to fix and save again.
  const from = new URLSearchParams(window.location.search).get('from')
  const held = useQuery({
    queryKey: ['form', from],
    enabled: Boolean(from),
    queryFn: () => api<{ raw: Partial<Record<Dc01Key, string>> }>('GET', `/api/forms/${encodeURIComponent(from ?? '')}`),
    staleTime: Infinity,
  })
  useEffect(() => {
    if (held.data) setValues({ ...held.data.raw })
  }, [held.data])

  // Checked as typed, a moment after the last key; the draft is kept at every change.
  useEffect(() => {
    localStorage.setItem(DRAFT, JSON.stringify(values))
    clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      api<Checked>('POST', '/api/forms/check', values)
        .then(setChecked)
        .catch(() => {})
    }, 300)
    return () => clearTimeout(timer.current)
  }, [values, DRAFT])

  const findingsFor = (key: string) => checked?.findings.filter((f) => f.field === key) ?? []
  const general = checked?.findings.filter((f) => !f.field || !DC01_COLUMNS.some((c) => c.key === f.field)) ?? []
  const errors = checked?.findings.filter((f) => f.severity === 'error').length ?? 0
  const matches = checked?.matches ?? []

  function submit(event: FormEvent) {
    event.preventDefault()
    save.mutate()
  }

  return (
    <section>
      <div className="row between no-print">
        <PageHeading>{t('form.title')}</PageHeading>
        <div className="row">
          <button type="button" onClick={() => window.print()}>
            {t('form.print')}
          </button>
          <button
            type="button"
            onClick={() => {
              localStorage.removeItem(DRAFT)
              setValues(blank())
              save.reset()
            }}
          >
            {t('form.clear')}
          </button>
        </div>
      </div>
      <p className="hint no-print">{t('form.hint')}</p>
      <form onSubmit={submit} className="dc01">
        {DC01_COLUMNS.map((c) => {
          const found = findingsFor(c.key)
          const id = `f-${c.key}`
          return (
            <div
              key={c.key}
              className={found.some((f) => f.severity === 'error') ? 'field has-error' : found.length ? 'field has-warning' : 'field'}
            >
              <label htmlFor={id}>
                {t(`dc01.${c.key}` as MessageKey)}
                {c.required ? ' *' : ''}
              </label>
              <input
                id={id}
                name={c.key}
                value={values[c.key] ?? ''}
                list={UNIT_FIELDS.includes(c.key) ? 'units-2025' : undefined}
                aria-required={c.required}
                aria-invalid={found.some((f) => f.severity === 'error')}
                aria-describedby={found.length ? `${id}-findings` : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [c.key]: e.target.value }))}
              />
              {ADDRESS_UNIT[c.key] && (
                <AddressSuggestion
                  text={values[c.key] ?? ''}
                  unit={values[ADDRESS_UNIT[c.key] as Dc01Key] ?? ''}
                  on={isoDay(values.collected_on)}
                  onPick={(code) => setValues((v) => ({ ...v, [ADDRESS_UNIT[c.key] as Dc01Key]: code }))}
                />
              )}
              {/* Always there, even empty: a live region announces only what appears in it later. */}
              <ul id={`${id}-findings`} className="findings" aria-live="polite">
                {found.map((f) => (
                  <li key={f.rule} className={f.severity}>
                    {f.message[lang]}
                  </li>
                ))}
              </ul>
            </div>
          )
        })}
        <datalist id="units-2025">
          {units.data?.items.map((u) => (
            <option key={u.code} value={u.code}>
              {u.name}
            </option>
          ))}
        </datalist>
        <div className="summary no-print">
          {checked && (
            <p>
              {t('form.completeness')}: {checked.completeness}% · {t('form.errors')}: {errors} · {t('form.warnings')}:{' '}
              {checked.findings.length - errors}
            </p>
          )}
          <ul className="findings" aria-live="polite">
            {general.map((f) => (
              <li key={f.rule} className={f.severity}>
                {f.message[lang]}
              </li>
            ))}
          </ul>
          {/* Announced as a count; the list itself is read when the officer goes to it. */}
          <p className="visually-hidden" aria-live="polite">
            {matches.length > 0 && `${matches.length} ${t('form.matches.count')}`}
          </p>
          {matches.length > 0 && <Matches matches={matches} />}
          <button type="submit" disabled={save.isPending}>
            {t('form.save')}
          </button>
          {save.data && (
            <p role="status" className={save.data.outcome === 'needs_correction' ? 'error' : 'notice'}>
              {t(`form.outcome.${save.data.outcome}` as 'form.outcome.accepted')}
            </p>
          )}
          {save.error && (
            <p className="error" role="alert">
              {save.error instanceof ApiError ? save.error.text[lang] : t('app.error')}
            </p>
          )}
        </div>
      </form>
    </section>
  )
}
