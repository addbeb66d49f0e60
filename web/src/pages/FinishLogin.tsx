// A login that is not finished yet: the one-time password must be changed, or an
// administrator must enrol a second factor.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, type ReactNode, useState } from 'react'
import { ApiError, api } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'

function useErrorText() {
  const { t, lang } = useI18n()
  return (e: unknown) => (e instanceof ApiError ? e.text[lang] : t('app.error'))
}

export function PasswordChange({ languageButton }: { languageButton: ReactNode }) {
  const { t } = useI18n()
  const client = useQueryClient()
  const errorText = useErrorText()
  const [error, setError] = useState<string | null>(null)
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    try {
      await api('POST', '/api/session/password', { current_password: String(data.get('current')), new_password: String(data.get('next')) })
      await client.invalidateQueries({ queryKey: ['session'] })
    } catch (e) {
      setError(errorText(e))
    }
  }
  return (
    <main className="card narrow">
      <div className="row between">
        <h1>{t('password.title')}</h1>
        {languageButton}
      </div>
      <p>{t('password.explain')}</p>
      <form onSubmit={submit}>
        <label>
          {t('password.current')}
          <input name="current" type="password" autoComplete="current-password" required autoFocus />
        </label>
        <label>
          {t('password.new')}
          <input name="next" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">{t('password.submit')}</button>
      </form>
    </main>
  )
}

export function TotpSetup({ languageButton }: { languageButton: ReactNode }) {
  const { t } = useI18n()
  const client = useQueryClient()
  const errorText = useErrorText()
  const enrolment = useQuery({
    queryKey: ['totp-enrolment'],
    queryFn: () => api<{ secret: string; uri: string }>('POST', '/api/session/totp'),
    staleTime: Infinity,
  })
  const confirm = useMutation({
    mutationFn: (code: string) => api('POST', '/api/session/totp/confirm', { code }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['session'] }),
  })
  return (
    <main className="card narrow">
      <div className="row between">
        <h1>{t('totp.title')}</h1>
        {languageButton}
      </div>
      <p>{t('totp.explain')}</p>
      {enrolment.data && (
        <p>
          {t('totp.secret')}: <code>{enrolment.data.secret}</code>
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault()
          confirm.mutate(String(new FormData(event.currentTarget).get('code')))
        }}
      >
        <label>
          {t('totp.code')}
          <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" required autoFocus />
        </label>
        {(confirm.error || enrolment.error) && (
          <p className="error" role="alert">
            {errorText(confirm.error ?? enrolment.error)}
          </p>
        )}
        <button type="submit">{t('totp.submit')}</button>
      </form>
    </main>
  )
}
