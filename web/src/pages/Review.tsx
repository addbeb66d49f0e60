// The review queue: pairs of register persons the last dedup run could neither link nor rule
// out, most uncertain first. One pair at a time, side by side — the register's normalised values
// and the raw values of the forms they came from — with the evidence field by field; the officer
// says same / not same / unsure (also keys 1, 2, 3 within the pair) and the next pair follows.
import { useMutation, useQuery } from '@tanstack/react-query'
import { type KeyboardEvent, useEffect, useRef, useState } from 'react'
import { DC01_COLUMNS } from '../../../src/intake/dc01.ts'
import { ApiError, api } from '../api.ts'
import { type Evidence, EvidenceTable, textOf } from '../Evidence.tsx'
import { formatDate, formatNumber, formatPercent } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { PageHeading } from '../PageHeading.tsx'

interface ReviewPerson {
  id: string
  name_display: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  sex: string | null
  personal_id: string | null
  old_id: string | null
  phone: string | null
  unit_code: string | null
  origin_form_id: string
  forms: number
}

interface Pair {
  probability: number
  conflict: string | null
  evidence: Evidence[]
  a: ReviewPerson
  b: ReviewPerson
}

type Decision = 'same' | 'not_same' | 'unsure'

interface Decided {
  decision: Decision
  merge: { id: string; state: string } | null
}

/** The decisions, each with its key (pressed anywhere in the pair but in the note). */
const DECISIONS: [Decision, MessageKey, string][] = [
  ['same', 'dedup.same', '1'],
  ['not_same', 'dedup.notSame', '2'],
  ['unsure', 'dedup.unsure', '3'],
]

const PAGE = 10

const pairKey = (p: Pair) => `${p.a.id}:${p.b.id}`

/** The birth date at the precision the register has it (a year, a month, a day). */
function birthOf(p: ReviewPerson): string {
  if (p.birth_year === null) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  if (p.birth_month === null) return String(p.birth_year)
  return formatDate(`${p.birth_year}-${pad(p.birth_month)}${p.birth_day === null ? '' : `-${pad(p.birth_day)}`}`)
}

function resultKey(d: Decided): MessageKey {
  if (d.decision === 'same') return d.merge?.state === 'applied' ? 'dedup.result.applied' : 'dedup.result.pending'
  return d.decision === 'not_same' ? 'dedup.result.not_same' : 'dedup.result.unsure'
}

interface StoredForm {
  form_no: string
  raw: Record<string, string>
}

/** The two origin forms as typed, the fields either has, differences marked. */
function RawForms({ pair }: { pair: Pair }) {
  const { t, lang } = useI18n()
  const form = (id: string) => ({
    queryKey: ['form', id],
    queryFn: () => api<StoredForm>('GET', `/api/forms/${encodeURIComponent(id)}`),
    staleTime: Infinity,
  })
  const a = useQuery(form(pair.a.origin_form_id))
  const b = useQuery(form(pair.b.origin_form_id))
  if (a.isPending || b.isPending) return <p>{t('app.loading')}</p>
  // A form outside the caller's units is not shown (the pair is in the queue for the other person).
  const failed = [a.error, b.error].find((e) => e)
  const rows = DC01_COLUMNS.filter((c) => a.data?.raw[c.key] || b.data?.raw[c.key])
  return (
    <>
      {failed && (
        <p className="error" role="alert">
          {failed instanceof ApiError ? failed.text[lang] : t('app.error')}
        </p>
      )}
      <table className="results compare">
        <caption>{t('dedup.raw')}</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">{t('corrections.field')}</span>
            </th>
            <th scope="col">
              {t('dedup.personA')} · {a.data?.form_no ?? '—'}
            </th>
            <th scope="col">
              {t('dedup.personB')} · {b.data?.form_no ?? '—'}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const x = a.data?.raw[c.key] ?? ''
            const y = b.data?.raw[c.key] ?? ''
            return (
              <tr key={c.key} className={x !== y ? 'differs' : undefined}>
                <th scope="row">{t(`dc01.${c.key}` as MessageKey)}</th>
                <td>{x}</td>
                <td>{y}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </>
  )
}

/** The register's values of the two persons, differences marked; names open their records. */
function Normalised({ pair }: { pair: Pair }) {
  const { t } = useI18n()
  const sex = (s: string | null) => (s === 'M' ? t('person.sex.M') : s === 'F' ? t('person.sex.F') : '')
  const rows: [MessageKey, (p: ReviewPerson) => string][] = [
    ['person.birthDate', birthOf],
    ['person.sex', (p) => sex(p.sex)],
    ['person.personalId', (p) => p.personal_id ?? ''],
    ['dedup.oldId', (p) => p.old_id ?? ''],
    ['person.phone', (p) => p.phone ?? ''],
    ['dedup.unit', (p) => p.unit_code ?? ''],
    ['dedup.forms', (p) => formatNumber(p.forms)],
  ]
  const link = (p: ReviewPerson) => (
    <a href={`/persons/${p.id}`} target="_blank" rel="noopener">
      {p.name_display}
      <span className="visually-hidden"> {t('dedup.newTab')}</span>
    </a>
  )
  return (
    <table className="results compare">
      <caption>{t('dedup.normalised')}</caption>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">{t('corrections.field')}</span>
          </th>
          <th scope="col">{t('dedup.personA')}</th>
          <th scope="col">{t('dedup.personB')}</th>
        </tr>
      </thead>
      <tbody>
        <tr className={pair.a.name_display !== pair.b.name_display ? 'differs' : undefined}>
          <th scope="row">{t('person.name')}</th>
          <td>{link(pair.a)}</td>
          <td>{link(pair.b)}</td>
        </tr>
        {rows.map(([key, value]) => (
          <tr key={key} className={value(pair.a) !== value(pair.b) ? 'differs' : undefined}>
            <th scope="row">{t(key)}</th>
            <td>{value(pair.a) || '—'}</td>
            <td>{value(pair.b) || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function ReviewPage() {
  const { t, lang } = useI18n()
  const [offset, setOffset] = useState(0)
  // Each page is fetched anew, even at the same offset (all of a page decided leaves it there).
  const [round, setRound] = useState(0)
  const [index, setIndex] = useState(0)
  const [note, setNote] = useState('')
  // This page's decisions by pair, and the last one's result (kept while the next pair shows).
  const [decided, setDecided] = useState<Record<string, Decided>>({})
  const [last, setLast] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const end = useRef<HTMLParagraphElement>(null)
  const focusPair = useRef(false)
  const pairs = useQuery({
    queryKey: ['dedup-review', offset, round],
    queryFn: () => api<{ items: Pair[] }>('GET', `/api/dedup/review?limit=${PAGE}&offset=${offset}`),
    // The page stays as fetched while it is worked through (decided pairs leave the queue on the
    // server, which would shift it under the officer); a page opened again is fetched anew.
    gcTime: 0,
  })
  const items = pairs.data?.items ?? []
  const pair = items[index]

  // After a decision or a move the next pair's heading takes the focus, so that its keys work at
  // once; past the last pair, the line that says so (the buttons that had it are gone).
  const place = pair ? pairKey(pair) : pairs.data ? 'end' : 'loading'
  useEffect(() => {
    const target = place === 'end' ? end.current : place === 'loading' ? null : heading.current
    if (focusPair.current && target) {
      focusPair.current = false
      target.focus()
    }
  }, [place])

  function show(next: number) {
    focusPair.current = true
    setIndex(next)
    setNote('')
  }
  function nextPage() {
    // Pairs decided same or not same have left the queue: the next page starts that much sooner.
    const gone = Object.values(decided).filter((d) => d.decision !== 'unsure').length
    focusPair.current = true
    setOffset(offset + items.length - gone)
    setRound(round + 1)
    setIndex(0)
    setDecided({})
    setNote('')
  }
  function advance() {
    if (index + 1 < items.length) show(index + 1)
    else if (items.length === PAGE) nextPage()
    else show(items.length) // past the last pair: the end of the queue
  }

  const decide = useMutation({
    mutationFn: ({ pair, decision }: { pair: Pair; decision: Decision }) =>
      api<Decided>('POST', '/api/dedup/decisions', {
        person_a: pair.a.id,
        person_b: pair.b.id,
        decision,
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: (result, { pair }) => {
      setDecided((d) => ({ ...d, [pairKey(pair)]: result }))
      setLast(`${pair.a.name_display} — ${pair.b.name_display}: ${t(resultKey(result))}`)
      advance()
    },
  })

  const open = pair !== undefined && (decided[pairKey(pair)]?.decision ?? 'unsure') === 'unsure'
  function onKey(event: KeyboardEvent<HTMLElement>) {
    if (!pair || !open || decide.isPending) return
    if (event.altKey || event.ctrlKey || event.metaKey || event.target instanceof HTMLInputElement) return
    const chosen = DECISIONS.find(([, , key]) => key === event.key)
    if (!chosen) return
    event.preventDefault()
    decide.mutate({ pair, decision: chosen[0] })
  }

  return (
    <section>
      <PageHeading>{t('dedup.review.title')}</PageHeading>
      <p className="hint">{t('dedup.review.hint')}</p>
      {/* Always there: a live region announces only what appears in it later. */}
      <p role="status" className={last ? 'notice' : undefined}>
        {last}
      </p>
      {pairs.isPending && <p>{t('app.loading')}</p>}
      {pairs.error && (
        <p className="error" role="alert">
          {pairs.error instanceof ApiError ? pairs.error.text[lang] : t('app.error')}
        </p>
      )}
      {pairs.data && items.length === 0 && (
        <p ref={end} tabIndex={-1}>
          {t('dedup.review.none')}
        </p>
      )}
      {items.length > 0 && (
        <nav aria-label={t('dedup.review.pairs')}>
          <ol className="pairs" start={offset + 1}>
            {items.map((p, i) => (
              <li key={pairKey(p)}>
                <button type="button" className="link" aria-current={i === index ? 'true' : undefined} onClick={() => show(i)}>
                  {p.a.name_display} — {p.b.name_display}
                </button>{' '}
                {formatPercent(p.probability)}
                {decided[pairKey(p)] && ` · ${t('dedup.review.decided')}: ${t(resultKey(decided[pairKey(p)] as Decided))}`}
              </li>
            ))}
          </ol>
        </nav>
      )}
      {pair && (
        // The keys 1–3 are shortcuts for the buttons below, which any keyboard reaches too.
        <article className="pair" aria-labelledby="pair-heading" onKeyDown={onKey}>
          <h2 id="pair-heading" ref={heading} tabIndex={-1}>
            {t('dedup.review.pair')} {offset + index + 1}: {pair.a.name_display} — {pair.b.name_display}
          </h2>
          <p className="probability">
            {t('dedup.probability')}: <strong>{formatPercent(pair.probability)}</strong>
          </p>
          {pair.conflict && (
            <p className="conflict">
              <strong>{t('dedup.conflict')}:</strong> {textOf(t, `dedup.conflict.${pair.conflict}`, pair.conflict)}.{' '}
              {t('dedup.conflict.explain')}
            </p>
          )}
          <div className="side-by-side">
            <Normalised pair={pair} />
            <EvidenceTable evidence={pair.evidence} />
          </div>
          <RawForms pair={pair} />
          <div className="decision-bar">
            {open ? (
              <fieldset className="decision">
                <legend>{t('dedup.decision')}</legend>
                <div className="row wrap">
                  {DECISIONS.map(([decision, label, key]) => (
                    <button
                      key={decision}
                      type="button"
                      className={decision === 'unsure' ? 'secondary' : undefined}
                      aria-keyshortcuts={key}
                      disabled={decide.isPending}
                      onClick={() => decide.mutate({ pair, decision })}
                    >
                      {t(label)}
                      {/* Shown, not read: aria-keyshortcuts tells screen readers. */}
                      <span className="key" aria-hidden="true">
                        {key}
                      </span>
                    </button>
                  ))}
                  <label className="grow">
                    {t('dedup.note')}
                    <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
                  </label>
                </div>
              </fieldset>
            ) : (
              <p className="notice">
                {t('dedup.review.decided')}: {t(resultKey(decided[pairKey(pair)] as Decided))}
              </p>
            )}
            {decide.error && (
              <p className="error" role="alert">
                {decide.error instanceof ApiError ? decide.error.text[lang] : t('app.error')}
              </p>
            )}
          </div>
        </article>
      )}
      {items.length > 0 && index >= items.length && (
        <p ref={end} tabIndex={-1}>
          {t('dedup.review.end')}
        </p>
      )}
      {items.length > 0 && (
        <div className="row wrap">
          <button type="button" className="secondary" disabled={index === 0} onClick={() => show(index - 1)}>
            {t('dedup.review.previous')}
          </button>
          <button type="button" className="secondary" disabled={index >= items.length - 1} onClick={() => show(index + 1)}>
            {t('dedup.review.next')}
          </button>
          {offset > 0 && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setOffset(0)
                setRound(round + 1)
                setIndex(0)
                setDecided({})
              }}
            >
              {t('search.first')}
            </button>
          )}
          {items.length === PAGE && (
            <button type="button" className="secondary" onClick={nextPage}>
              {t('search.more')}
            </button>
          )}
        </div>
      )}
    </section>
  )
}
