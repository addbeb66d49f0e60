// Auditors: the audit log by person, user, action and dates, oldest first, page by page.
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ApiError, api } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageHeading } from '../PageHeading.tsx'

interface Entry {
  id: string
  at: string
  actor: string
  action: string
  outcome: string
  person_id: string | null
  target: string | null
  address: string | null
}

export function AuditPage() {
  const { t, lang } = useI18n()
  const [filter, setFilter] = useState<Record<string, string>>({})
  const [after, setAfter] = useState<string | null>(null)
  const entries = useQuery({
    queryKey: ['audit', filter, after],
    queryFn: () => {
      const params = new URLSearchParams({ ...filter, limit: '100' })
      if (after) params.set('after', after)
      return api<{ items: Entry[]; next: string | null }>('GET', `/api/audit?${params}`)
    },
  })
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    const next: Record<string, string> = {}
    for (const key of ['person', 'user', 'action', 'since', 'until']) {
      const value = String(data.get(key) ?? '').trim()
      if (value) next[key] = value
    }
    setAfter(null)
    setFilter(next)
  }
  return (
    <section>
      <PageHeading>{t('audit.title')}</PageHeading>
      <form className="row wrap" onSubmit={submit}>
        <label className="grow">
          {t('audit.person')}
          <input name="person" placeholder="01…-…" />
        </label>
        <label>
          {t('audit.user')}
          <input name="user" />
        </label>
        <label>
          {t('audit.action')}
          <input name="action" placeholder="person.read" />
        </label>
        <label>
          {t('audit.since')}
          <input name="since" type="date" />
        </label>
        <label>
          {t('audit.until')}
          <input name="until" type="date" />
        </label>
        <button type="submit">{t('search.submit')}</button>
      </form>
      {entries.error && (
        <p className="error" role="alert">
          {entries.error instanceof ApiError ? entries.error.text[lang] : t('app.error')}
        </p>
      )}
      <table className="results">
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.user')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.outcome')}</th>
            <th>{t('audit.person')}</th>
            <th>{t('audit.address')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString('vi-VN')}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.outcome}</td>
              <td>{e.person_id ?? e.target ?? ''}</td>
              <td>{e.address ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.data?.next && (
        <button type="button" onClick={() => setAfter(entries.data?.next ?? null)}>
          {t('search.more')}
        </button>
      )}
    </section>
  )
}
