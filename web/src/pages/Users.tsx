// Administrators: users, their roles and units; add (a one-time password is shown once),
// disable an officer transferred away, unlock, reset a password.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ApiError, api } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageHeading } from '../PageHeading.tsx'

const ROLES = ['province-admin', 'province-analyst', 'commune-officer', 'commune-head', 'card-clerk', 'auditor'] as const

interface User {
  id: string
  username: string
  role: string
  units: { code: string; era: number }[]
  disabled: boolean
  locked_until: string | null
  must_change_password: boolean
  totp_enabled: boolean
}

export function UsersPage() {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null)
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<{ items: User[] }>('GET', '/api/users') })
  const done = () => client.invalidateQueries({ queryKey: ['users'] })
  const add = useMutation({
    mutationFn: (body: { username: string; role: string; units: string[] }) =>
      api<{ user: User; password: string }>('POST', '/api/users', body),
    onSuccess: (r) => {
      setSecret({ username: r.user.username, password: r.password })
      done()
    },
  })
  const change = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) => api<User>('PATCH', `/api/users/${id}`, body),
    onSuccess: done,
  })
  const reset = useMutation({
    mutationFn: (u: User) =>
      api<{ password: string }>('POST', `/api/users/${u.id}/password-reset`).then((r) => ({ username: u.username, password: r.password })),
    onSuccess: (r) => {
      setSecret(r)
      done()
    },
  })
  const error = add.error ?? change.error ?? reset.error

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    const units = String(data.get('units') ?? '')
      .split(/[\s,;]+/)
      .filter(Boolean)
    add.mutate({ username: String(data.get('username')), role: String(data.get('role')), units })
  }

  return (
    <section>
      <PageHeading>{t('users.title')}</PageHeading>
      <form className="row wrap" onSubmit={submit}>
        <label>
          {t('login.username')}
          <input name="username" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{2,49}" />
        </label>
        <label>
          {t('users.role')}
          <select name="role" defaultValue="commune-officer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          {t('users.units')}
          <input name="units" placeholder="06652" />
        </label>
        <button type="submit">{t('users.add')}</button>
      </form>
      {secret && (
        <p className="notice" role="status">
          {t('users.oneTime')} <strong>{secret.username}</strong>: <code>{secret.password}</code>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error instanceof ApiError ? error.text[lang] : t('app.error')}
        </p>
      )}
      <table className="results">
        <thead>
          <tr>
            <th>{t('login.username')}</th>
            <th>{t('users.role')}</th>
            <th>{t('users.units')}</th>
            <th>{t('users.state')}</th>
            <th>
              <span className="visually-hidden">{t('users.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.data?.items.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.role}</td>
              <td>{u.units.map((x) => x.code).join(', ') || t('users.province')}</td>
              <td>
                {u.disabled
                  ? t('users.disabled')
                  : u.locked_until
                    ? t('users.locked')
                    : u.must_change_password
                      ? t('users.mustChange')
                      : t('users.active')}
              </td>
              <td className="row">
                <button type="button" className="link" onClick={() => change.mutate({ id: u.id, body: { disabled: !u.disabled } })}>
                  {u.disabled ? t('users.enable') : t('users.disable')}
                </button>
                {u.locked_until && (
                  <button type="button" className="link" onClick={() => change.mutate({ id: u.id, body: { unlock: true } })}>
                    {t('users.unlock')}
                  </button>
                )}
                <button type="button" className="link" onClick={() => reset.mutate(u)}>
                  {t('users.reset')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
