// The shell: who is logged in decides what shows — the login, a login to finish (password
// change, TOTP enrolment), or the pages with a navigation that fits the role.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { Link, Route, Switch } from 'wouter'
import { ApiError, api, type Session, whenExpired } from './api.ts'
import { useI18n } from './i18n/i18n.tsx'
import { AuditPage } from './pages/Audit.tsx'
import { CorrectionsPage } from './pages/Corrections.tsx'
import { PasswordChange, TotpSetup } from './pages/FinishLogin.tsx'
import { FormEntryPage } from './pages/FormEntry.tsx'
import { HouseholdPage } from './pages/Household.tsx'
import { ImportPage } from './pages/Import.tsx'
import { Login } from './pages/Login.tsx'
import { OverviewPage } from './pages/Overview.tsx'
import { PersonPage } from './pages/Person.tsx'
import { SearchPage } from './pages/Search.tsx'
import { UsersPage } from './pages/Users.tsx'

export function App() {
  const { t, toggle } = useI18n()
  const client = useQueryClient()
  const [expired, setExpired] = useState(false)
  const session = useQuery({
    queryKey: ['session'],
    queryFn: () =>
      api<Session>('GET', '/api/session').catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) return null
        throw error
      }),
  })
  useEffect(() => {
    whenExpired(() => {
      setExpired(true)
      client.setQueryData(['session'], null)
    })
  }, [client])
  useEffect(() => {
    document.title = t('app.title')
  }, [t])

  const languageButton = (
    <button type="button" className="link" onClick={toggle}>
      {t('app.language')}
    </button>
  )
  if (session.isPending) return <p className="center">{t('app.loading')}</p>
  if (session.isError) return <p className="center error">{t('app.error')}</p>
  const current = session.data
  if (!current) return <Login notice={expired ? t('app.expired') : null} languageButton={languageButton} onDone={() => setExpired(false)} />
  if (current.stage === 'password-change') return <PasswordChange languageButton={languageButton} />
  if (current.stage === 'totp-setup') return <TotpSetup languageButton={languageButton} />

  const logout = async () => {
    await api('DELETE', '/api/session').catch(() => {})
    // Nothing the last user saw stays for the next one on this browser.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
    sessionStorage.clear()
    client.setQueryData(['session'], null)
  }
  const can = (permission: string) => current.permissions.includes(permission)
  const home = can('register.read') ? <SearchPage /> : can('audit.read') ? <AuditPage /> : can('users.manage') ? <UsersPage /> : null
  return (
    <div className="shell">
      <header>
        <strong>coso</strong>
        <nav aria-label={t('nav.main')}>
          {can('register.read') && <Link href="/">{t('nav.search')}</Link>}
          {can('register.read') && <Link href="/overview">{t('nav.overview')}</Link>}
          {can('forms.write') && <Link href="/forms/new">{t('nav.form')}</Link>}
          {can('forms.write') && <Link href="/imports">{t('nav.import')}</Link>}
          {can('forms.write') && <Link href="/corrections">{t('nav.corrections')}</Link>}
          {can('users.manage') && <Link href="/users">{t('nav.users')}</Link>}
          {can('audit.read') && <Link href="/audit">{t('nav.audit')}</Link>}
        </nav>
        <span className="who">
          {current.user.username} · {current.user.role}
        </span>
        {languageButton}
        <button type="button" className="link" onClick={logout}>
          {t('app.logout')}
        </button>
      </header>
      <main>
        <Switch>
          {can('register.read') && (
            <Route path="/overview">
              <OverviewPage />
            </Route>
          )}
          {can('register.read') && <Route path="/persons/:id">{(params) => <PersonPage id={params.id} />}</Route>}
          {can('register.read') && <Route path="/households/:id">{(params) => <HouseholdPage id={params.id} />}</Route>}
          {can('forms.write') && (
            <Route path="/forms/new">
              <FormEntryPage username={current.user.username} />
            </Route>
          )}
          {can('forms.write') && (
            <Route path="/imports">
              <ImportPage />
            </Route>
          )}
          {can('forms.write') && (
            <Route path="/corrections">
              <CorrectionsPage />
            </Route>
          )}
          {can('users.manage') && (
            <Route path="/users">
              <UsersPage />
            </Route>
          )}
          {can('audit.read') && (
            <Route path="/audit">
              <AuditPage />
            </Route>
          )}
          <Route>{home}</Route>
        </Switch>
      </main>
    </div>
  )
}
