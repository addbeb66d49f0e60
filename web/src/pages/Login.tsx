import { type FormEvent, type ReactNode, useState } from 'react'
import { ApiError, api, type Session } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'

/** The login form; what follows a login (which pages, which cache) is the caller's `onDone`. */
export function Login({
  notice,
  username,
  languageButton,
  onDone,
}: {
  notice: string | null
  /** Who is logging in again after their session ended. */
  username?: string
  languageButton: ReactNode
  onDone: (session: Session) => Promise<void>
}) {
  const { t, lang } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [needTotp, setNeedTotp] = useState(false)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    setBusy(true)
    setError(null)
    try {
      const session = await api<Session>('POST', '/api/session', {
        username: String(data.get('username') ?? ''),
        password: String(data.get('password') ?? ''),
        ...(data.get('totp') ? { totp: String(data.get('totp')) } : {}),
      })
      await onDone(session)
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') setNeedTotp(true)
      setError(e instanceof ApiError ? e.text[lang] : t('app.error'))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="card narrow">
      <div className="row between">
        <h1>{t('login.title')}</h1>
        {languageButton}
      </div>
      {notice && <p className="notice">{notice}</p>}
      <form onSubmit={submit}>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" required autoFocus={!username} defaultValue={username} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required autoFocus={Boolean(username)} />
        </label>
        {needTotp && <p className="hint">{t('login.totpNeeded')}</p>}
        {needTotp && (
          <label>
            {t('login.totp')}
            <input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" required autoFocus />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </div>
  )
}
