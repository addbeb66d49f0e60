// One person: the fields, residences, relatives, forms and merges; sensitive fields masked
// unless the role may see them; a visible note that the view is logged. The living register's
// timeline (events and where they lived when) below, for officers the form recording an event, and
// for the card post the identity-card applications with the form receiving one.
import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { ApiError, api, type Person } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { PersonMerges } from '../Merges.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { PersonApplications } from './Applications.tsx'
import { PersonEventForm, PersonTimeline } from './PersonEvents.tsx'

const MASK = '***'

export function PersonPage({
  id,
  canUndo,
  canRecord,
  cards,
}: {
  id: string
  canUndo: boolean
  canRecord: boolean
  /** For the identity-card post: the person's applications, and whether a new one may be received. */
  cards: { canReceive: boolean } | null
}) {
  const { t, lang } = useI18n()
  const person = useQuery({ queryKey: ['person', id], queryFn: () => api<Person>('GET', `/api/persons/${encodeURIComponent(id)}`) })
  const back = <Link href="/">{t('person.back')}</Link>
  if (person.isPending) return <p>{t('app.loading')}</p>
  if (person.isError) {
    const notFound = person.error instanceof ApiError && (person.error.status === 404 || person.error.status === 400)
    return (
      <section>
        <p className="error" role="alert">
          {notFound ? t('person.notFound') : person.error instanceof ApiError ? person.error.text[lang] : t('app.error')}
        </p>
        {back}
      </section>
    )
  }
  const p = person.data
  const text = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : '')
  const masked = p.ethnicity_text === MASK || p.religion === MASK
  const rows: [MessageKey, string][] = [
    ['person.birthDate', formatDate(p.birth_date)],
    ['person.sex', p.sex ? t(p.sex === 'M' ? 'person.sex.M' : 'person.sex.F') : ''],
    ['person.personalId', p.personal_id ?? ''],
    ['person.phone', text('phone')],
    ['person.ethnicity', text('ethnicity_text') || text('ethnicity_code')],
    ['person.religion', text('religion')],
    ['person.nationality', text('nationality')],
    ['person.occupation', text('occupation')],
    ['person.maritalStatus', text('marital_status')],
    ['person.hometown', text('hometown')],
  ]
  if (text('died_on')) rows.unshift(['person.diedOn', formatDate(text('died_on'))])
  return (
    <section>
      {back}
      <PageHeading>{p.name_display}</PageHeading>
      <p className="notice" role="note">
        {t('person.logged')}
        {masked && ` ${t('person.masked')}`}
      </p>
      <dl className="fields">
        {rows.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value || '—'}</dd>
          </div>
        ))}
      </dl>
      <h2>{t('person.residences')}</h2>
      <ul>
        {p.residences.map((r) => (
          <li key={`${r.kind}-${r.unit_code}-${r.era}-${r.detail}`}>
            {t(`person.residence.${r.kind}` as MessageKey)}: {r.detail ? `${r.detail}, ` : ''}
            {r.unit_code} ({r.era})
          </li>
        ))}
      </ul>
      {p.relationships.length > 0 && (
        <>
          <h2>{t('person.relationships')}</h2>
          <ul>
            {p.relationships.map((r) => (
              <li key={`${r.kind}-${r.name}-${r.personal_id}`}>
                {t(`person.relationship.${r.kind}` as MessageKey)}:{' '}
                {r.person_id ? <Link href={`/persons/${r.person_id}`}>{r.name ?? r.personal_id}</Link> : (r.name ?? r.personal_id)}
              </li>
            ))}
          </ul>
        </>
      )}
      {p.households.length > 0 && (
        <>
          <h2>{t('person.households')}</h2>
          <ul>
            {p.households.map((h) => (
              <li key={h.household_id}>
                <Link href={`/households/${h.household_id}`}>{t('household.open')}</Link>
                {h.relation_to_head ? ` (${h.relation_to_head})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <PersonTimeline id={id} canWrite={canRecord} />
      {canRecord && <PersonEventForm person={p} />}
      {cards && <PersonApplications person={p} canManage={cards.canReceive} />}
      <h2>{t('person.forms')}</h2>
      <p>{p.form_ids.length}</p>
      <PersonMerges id={id} canUndo={canUndo} />
    </section>
  )
}
