// The correction queue: forms held for correction (and conflicts) in the caller's units, with
// their findings; "Fix" opens the form, filled in, in the entry page — saving it again is its
// correction.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'wouter'
import { ApiError, api } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'

interface StoredForm {
  id: string
  collecting_unit: string
  form_no: string
  state: string
  raw: Record<string, string>
  findings: { rule: string; severity: string; field: string | null; message: { vi: string; en: string } }[]
}

export function CorrectionsPage() {
  const { t, lang } = useI18n()
  const [state, setState] = useState<'needs_correction' | 'conflict'>('needs_correction')
  const [after, setAfter] = useState<string | null>(null)
  const forms = useQuery({
    queryKey: ['forms', state, after],
    queryFn: () =>
      api<{ items: StoredForm[]; next: string | null }>('GET', `/api/forms?state=${state}&limit=50${after ? `&after=${after}` : ''}`),
  })
  return (
    <section>
      <h1>{t('corrections.title')}</h1>
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
      <table className="results">
        <tbody>
          {forms.data?.items.map((f) => (
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
              <td>{state === 'needs_correction' && <Link href={`/forms/new?from=${f.id}`}>{t('corrections.fix')}</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {forms.data?.next && (
        <button type="button" onClick={() => setAfter(forms.data?.next ?? null)}>
          {t('search.more')}
        </button>
      )}
    </section>
  )
}
