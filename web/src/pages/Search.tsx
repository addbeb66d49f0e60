// Person search: diacritics-insensitive name, birth year and commune filters, pages of 50,
// keyboard-driven (Enter searches; ↓ from the form goes to the results, ↑/↓ move between them,
// Enter opens). The search is kept for the session, so coming back from a person finds it again.
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, type KeyboardEvent, type MouseEvent, useRef, useState } from 'react'
import { useLocation } from 'wouter'
import { ApiError, api, type PersonSummary } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageHeading } from '../PageHeading.tsx'

interface Criteria {
  q: string
  birth_year: string
  unit: string
  cursor: string | null
}

const KEPT = 'coso.search'
const kept = (): Criteria => {
  try {
    return { q: '', birth_year: '', unit: '', cursor: null, ...JSON.parse(sessionStorage.getItem(KEPT) ?? '{}') }
  } catch {
    return { q: '', birth_year: '', unit: '', cursor: null }
  }
}

export function SearchPage() {
  const { t, lang } = useI18n()
  const [, navigate] = useLocation()
  const [criteria, setCriteria] = useState<Criteria>(kept)
  const table = useRef<HTMLTableElement>(null)
  const active = criteria.q || criteria.birth_year || criteria.unit
  const results = useQuery({
    queryKey: ['persons', criteria],
    enabled: Boolean(active),
    queryFn: () => {
      const params = new URLSearchParams({ limit: '50' })
      if (criteria.q) params.set('q', criteria.q)
      if (criteria.birth_year) params.set('birth_year', criteria.birth_year)
      if (criteria.unit) params.set('unit', criteria.unit)
      if (criteria.cursor) params.set('cursor', criteria.cursor)
      return api<{ items: PersonSummary[]; next: string | null }>('GET', `/api/persons?${params}`)
    },
  })

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    const next: Criteria = {
      q: String(data.get('q') ?? '').trim(),
      birth_year: String(data.get('birth_year') ?? '').trim(),
      unit: String(data.get('unit') ?? '').trim(),
      cursor: null,
    }
    sessionStorage.setItem(KEPT, JSON.stringify(next))
    setCriteria(next)
  }

  const items = results.data?.items ?? []
  /** ↑/↓ move the focus along the result links (each one opens with Enter, as links do). */
  function move(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return
    const links = [...(table.current?.querySelectorAll<HTMLAnchorElement>('tbody a') ?? [])]
    if (links.length === 0) return
    const at = links.indexOf(document.activeElement as HTMLAnchorElement)
    const next = at === -1 ? 0 : Math.min(Math.max(at + (event.key === 'ArrowDown' ? 1 : -1), 0), links.length - 1)
    links[next]?.focus()
    event.preventDefault()
  }
  const open = (event: MouseEvent, id: string) => {
    event.preventDefault()
    navigate(`/persons/${id}`)
  }

  return (
    <section>
      <PageHeading>{t('search.title')}</PageHeading>
      <form className="row wrap" onSubmit={submit} onKeyDown={move}>
        <label className="grow">
          {t('search.q')}
          <input name="q" defaultValue={criteria.q} autoFocus maxLength={200} />
        </label>
        <label>
          {t('search.birthYear')}
          <input name="birth_year" defaultValue={criteria.birth_year} inputMode="numeric" pattern="\d{4}" size={6} />
        </label>
        <label>
          {t('search.unit')}
          <input name="unit" defaultValue={criteria.unit} inputMode="numeric" pattern="\d{5}" size={7} />
        </label>
        <button type="submit">{t('search.submit')}</button>
      </form>
      <p className="hint">{t('search.hint')}</p>
      {results.isError && (
        <p className="error" role="alert">
          {results.error instanceof ApiError ? results.error.text[lang] : t('app.error')}
        </p>
      )}
      {results.isFetching && <p>{t('app.loading')}</p>}
      {results.data && items.length === 0 && <p>{t('search.none')}</p>}
      {items.length > 0 && (
        <table className="results stack" ref={table} onKeyDown={move} aria-label={t('search.title')}>
          <thead>
            <tr>
              <th>{t('person.name')}</th>
              <th>{t('person.birthDate')}</th>
              <th>{t('person.sex')}</th>
              <th>{t('person.personalId')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <td>
                  <a href={`/persons/${p.id}`} onClick={(e) => open(e, p.id)}>
                    {p.name_display}
                  </a>
                </td>
                <td data-label={t('person.birthDate')}>{formatDate(p.birth_date)}</td>
                <td data-label={t('person.sex')}>{p.sex ? t(p.sex === 'M' ? 'person.sex.M' : 'person.sex.F') : ''}</td>
                <td data-label={t('person.personalId')}>{p.personal_id ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        {criteria.cursor && (
          <button type="button" onClick={() => setCriteria({ ...criteria, cursor: null })}>
            {t('search.first')}
          </button>
        )}
        {results.data?.next && (
          <button type="button" onClick={() => setCriteria({ ...criteria, cursor: results.data?.next ?? null })}>
            {t('search.more')}
          </button>
        )}
      </div>
    </section>
  )
}
