// A household and its members, printable: the list officers hand out and file.
import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { ApiError, api } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageHeading } from '../PageHeading.tsx'

interface Household {
  id: string
  unit_code: string
  era: number
  household_no: string
  head_name: string | null
  address: string | null
  members: { person_id: string; name: string; relation_to_head: string | null; birth_year: number | null; sex: 'M' | 'F' | null }[]
}

export function HouseholdPage({ id }: { id: string }) {
  const { t, lang } = useI18n()
  const household = useQuery({
    queryKey: ['household', id],
    queryFn: () => api<Household>('GET', `/api/households/${encodeURIComponent(id)}`),
  })
  if (household.isPending) return <p>{t('app.loading')}</p>
  if (household.isError) {
    const notFound = household.error instanceof ApiError && (household.error.status === 404 || household.error.status === 400)
    return (
      <p className="error" role="alert">
        {notFound ? t('household.notFound') : household.error instanceof ApiError ? household.error.text[lang] : t('app.error')}
      </p>
    )
  }
  const h = household.data
  return (
    <section className="printable">
      <div className="row between no-print">
        <Link href="/">{t('person.back')}</Link>
        <button type="button" onClick={() => window.print()}>
          {t('household.print')}
        </button>
      </div>
      <PageHeading>
        {t('household.title')} {h.household_no}
      </PageHeading>
      <p>
        {t('household.head')}: <strong>{h.head_name ?? '—'}</strong>
        <br />
        {t('household.address')}: {h.address ?? '—'} ({h.unit_code}, {h.era})
      </p>
      <table className="results stack">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('person.name')}</th>
            <th>{t('household.relation')}</th>
            <th>{t('household.birthYear')}</th>
            <th>{t('person.sex')}</th>
          </tr>
        </thead>
        <tbody>
          {h.members.map((m, i) => (
            <tr key={m.person_id}>
              <td>{i + 1}</td>
              <td>
                <Link href={`/persons/${m.person_id}`}>{m.name}</Link>
              </td>
              <td data-label={t('household.relation')}>{m.relation_to_head ?? ''}</td>
              <td data-label={t('household.birthYear')}>{m.birth_year ? formatDate(String(m.birth_year)) : ''}</td>
              <td data-label={t('person.sex')}>{m.sex ? t(m.sex === 'M' ? 'person.sex.M' : 'person.sex.F') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        {t('household.printed')} {formatDate(new Date().toISOString())}
      </p>
    </section>
  )
}
