// The correction queue: forms held for correction (and conflicts) in the caller's units, with
// their findings; "Fix" opens the form, filled in, in the entry page — saving it again is its
// correction. A conflict opens side by side with the accepted form of the same number.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'wouter'
import { DC01_COLUMNS } from '../../../src/intake/dc01.ts'
import { ApiError, api } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { PageHeading } from '../PageHeading.tsx'

interface StoredForm {
  id: string
  collecting_unit: string
  form_no: string
  state: string
  raw: Record<string, string>
  findings: { rule: string; severity: string; field: string | null; message: { vi: string; en: string } }[]
}

/** The conflicting form beside the accepted one it differs from, differences marked. */
function SideBySide({ conflict }: { conflict: StoredForm }) {
  const { t } = useI18n()
  const accepted = useQuery({
    queryKey: ['forms', 'identity', conflict.collecting_unit, conflict.form_no],
    queryFn: () =>
      api<{ items: StoredForm[] }>(
        'GET',
        `/api/forms?unit=${encodeURIComponent(conflict.collecting_unit)}&form_no=${encodeURIComponent(conflict.form_no)}&limit=10`,
      ),
  })
  const other = accepted.data?.items.find((f) => f.state.startsWith('accepted'))
  if (!accepted.data) return <p>{t('app.loading')}</p>
  return (
    <table className="results compare">
      <thead>
        <tr>
          <th>
            <span className="visually-hidden">{t('corrections.field')}</span>
          </th>
          <th>{t('corrections.accepted')}</th>
          <th>{t('corrections.conflicting')}</th>
        </tr>
      </thead>
      <tbody>
        {DC01_COLUMNS.map((c) => {
          const a = other?.raw[c.key] ?? ''
          const b = conflict.raw[c.key] ?? ''
          return (
            <tr key={c.key} className={a !== b ? 'differs' : undefined}>
              <th scope="row">{t(`dc01.${c.key}` as MessageKey)}</th>
              <td>{a}</td>
              <td>{b}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

export function CorrectionsPage() {
  const { t, lang } = useI18n()
  const [state, setState] = useState<'needs_correction' | 'conflict'>('needs_correction')
  const [after, setAfter] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)
  const forms = useQuery({
    queryKey: ['forms', state, after],
    queryFn: () =>
      api<{ items: StoredForm[]; next: string | null }>('GET', `/api/forms?state=${state}&limit=50${after ? `&after=${after}` : ''}`),
  })
  return (
    <section>
      <PageHeading>{t('corrections.title')}</PageHeading>
      <div className="row">
        {(['needs_correction', 'conflict'] as const).map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={state === s}
            className={state === s ? undefined : 'secondary'}
            onClick={() => {
              setState(s)
              setAfter(null)
            }}
          >
            {t(s === 'conflict' ? 'corrections.conflicts' : 'corrections.held')}
          </button>
        ))}
      </div>
      {forms.error && (
        <p className="error" role="alert">
          {forms.error instanceof ApiError ? forms.error.text[lang] : t('app.error')}
        </p>
      )}
      {forms.data && forms.data.items.length === 0 && <p>{t('corrections.none')}</p>}
      {forms.data && forms.data.items.length > 0 && (
        <table className="results">
          <thead>
            <tr>
              <th>{t('corrections.form')}</th>
              <th>{t('person.name')}</th>
              <th>{t('corrections.findings')}</th>
              <th>
                <span className="visually-hidden">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {forms.data.items.map((f) => (
              <tr key={f.id}>
                <td>
                  {f.collecting_unit} · {f.form_no}
                </td>
                <td>{f.raw.full_name ?? ''}</td>
                <td>
                  <ul className="findings">
                    {f.findings
                      .filter((x) => x.severity === 'error' || state === 'conflict')
                      .map((x) => (
                        <li key={x.rule} className={x.severity}>
                          {x.message[lang]}
                        </li>
                      ))}
                  </ul>
                </td>
                <td>
                  {state === 'needs_correction' ? (
                    <Link href={`/forms/new?from=${f.id}`}>{t('corrections.fix')}</Link>
                  ) : (
                    <button
                      type="button"
                      className="link"
                      aria-expanded={open === f.id}
                      onClick={() => setOpen(open === f.id ? null : f.id)}
                    >
                      {t('corrections.compare')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && forms.data?.items.find((f) => f.id === open) && (
        <SideBySide conflict={forms.data.items.find((f) => f.id === open) as StoredForm} />
      )}
      {forms.data?.next && (
        <button type="button" onClick={() => setAfter(forms.data?.next ?? null)}>
          {t('search.more')}
        </button>
      )}
    </section>
  )
}
