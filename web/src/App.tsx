// The shell: who is logged in decides what shows — the login, a login to finish (password
// change, TOTP enrolment), or the pages with a navigation that fits the role.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react'
import { Link, Route, Switch, useLocation } from 'wouter'
import { ApiError, api, type Session, whenExpired } from './api.ts'
import { useI18n } from './i18n/i18n.tsx'
import type { MessageKey } from './i18n/messages.ts'
import { PasswordChange, TotpSetup } from './pages/FinishLogin.tsx'
import { Login } from './pages/Login.tsx'
import { SearchPage } from './pages/Search.tsx'

// Search is where most users land; every other page comes with its route, in a chunk of its own.
const ApplicationPage = lazy(() => import('./pages/Application.tsx').then((m) => ({ default: m.ApplicationPage })))
const ApplicationsPage = lazy(() => import('./pages/Applications.tsx').then((m) => ({ default: m.ApplicationsPage })))
const BatchPage = lazy(() => import('./pages/Batch.tsx').then((m) => ({ default: m.BatchPage })))
const SlipPage = lazy(() => import('./pages/Slip.tsx').then((m) => ({ default: m.SlipPage })))
const ApprovalsPage = lazy(() => import('./pages/Approvals.tsx').then((m) => ({ default: m.ApprovalsPage })))
const AuditPage = lazy(() => import('./pages/Audit.tsx').then((m) => ({ default: m.AuditPage })))
const CorrectionsPage = lazy(() => import('./pages/Corrections.tsx').then((m) => ({ default: m.CorrectionsPage })))
const FormEntryPage = lazy(() => import('./pages/FormEntry.tsx').then((m) => ({ default: m.FormEntryPage })))
const HouseholdPage = lazy(() => import('./pages/Household.tsx').then((m) => ({ default: m.HouseholdPage })))
const ImportPage = lazy(() => import('./pages/Import.tsx').then((m) => ({ default: m.ImportPage })))
const OverviewPage = lazy(() => import('./pages/Overview.tsx').then((m) => ({ default: m.OverviewPage })))
const PopulationPage = lazy(() => import('./pages/Population.tsx').then((m) => ({ default: m.PopulationPage })))
const PersonPage = lazy(() => import('./pages/Person.tsx').then((m) => ({ default: m.PersonPage })))
const ReorganisationPage = lazy(() => import('./pages/Reorganisation.tsx').then((m) => ({ default: m.ReorganisationPage })))
const ReviewPage = lazy(() => import('./pages/Review.tsx').then((m) => ({ default: m.ReviewPage })))
const UsersPage = lazy(() => import('./pages/Users.tsx').then((m) => ({ default: m.UsersPage })))
const DueListsPage = lazy(() => import('./pages/DueLists.tsx').then((m) => ({ default: m.DueListsPage })))
const IdDashboardPage = lazy(() => import('./pages/IdDashboard.tsx').then((m) => ({ default: m.IdDashboardPage })))
const SessionPage = lazy(() => import('./pages/Session.tsx').then((m) => ({ default: m.SessionPage })))
const SessionsPage = lazy(() => import('./pages/Sessions.tsx').then((m) => ({ default: m.SessionsPage })))

interface Page {
  path: string
  permission: string
  /** Its navigation entry, for pages reached from the menu. */
  nav?: MessageKey
  render: (params: Record<string, string | undefined>, session: Session) => ReactNode
}

/** The menu's groups, in order: the register, identity cards, administration. */
const NAV_GROUPS = ['register', 'cards', 'admin'] as const
const groupOf = (path: string): (typeof NAV_GROUPS)[number] =>
  path.startsWith('/id/') ? 'cards' : path === '/users' || path === '/audit' ? 'admin' : 'register'

/** The pages, each with the permission it needs: the menu and the routes both come from here. */
const PAGES: Page[] = [
  { path: '/', permission: 'register.read', nav: 'nav.search', render: () => <SearchPage /> },
  { path: '/overview', permission: 'register.read', nav: 'nav.overview', render: () => <OverviewPage /> },
  { path: '/population', permission: 'register.read', nav: 'nav.population', render: () => <PopulationPage /> },
  {
    path: '/reorganisation',
    permission: 'register.read',
    nav: 'nav.reorganisation',
    render: (_, s) => <ReorganisationPage canPlace={s.permissions.includes('register.write')} />,
  },
  { path: '/forms/new', permission: 'forms.write', nav: 'nav.form', render: (_, s) => <FormEntryPage username={s.user.username} /> },
  { path: '/imports', permission: 'forms.write', nav: 'nav.import', render: () => <ImportPage /> },
  { path: '/corrections', permission: 'forms.write', nav: 'nav.corrections', render: () => <CorrectionsPage /> },
  { path: '/dedup/review', permission: 'forms.write', nav: 'nav.review', render: () => <ReviewPage /> },
  { path: '/dedup/approvals', permission: 'merges.approve', nav: 'nav.approvals', render: () => <ApprovalsPage /> },
  {
    path: '/id/applications',
    permission: 'cards.read',
    nav: 'id.nav.applications',
    render: (_, s) => <ApplicationsPage canManage={s.permissions.includes('cards.manage')} />,
  },
  { path: '/id/batches', permission: 'cards.manage', nav: 'id.nav.batch', render: () => <BatchPage /> },
  {
    path: '/id/applications/:id',
    permission: 'cards.read',
    render: (p, s) => <ApplicationPage id={p.id as string} canManage={s.permissions.includes('cards.manage')} />,
  },
  { path: '/id/applications/:id/slip', permission: 'cards.read', render: (p) => <SlipPage id={p.id as string} /> },
  {
    path: '/id/due',
    permission: 'cards.read',
    nav: 'due.nav',
    render: (_, s) => <DueListsPage canRecord={s.permissions.includes('cards.manage')} />,
  },
  { path: '/id/dashboard', permission: 'cards.read', nav: 'iddash.nav', render: (_, s) => <IdDashboardPage scope={s.units} /> },
  {
    path: '/id/sessions',
    permission: 'cards.read',
    nav: 'session.nav',
    render: (_, s) => <SessionsPage scope={s.units} canManage={s.permissions.includes('cards.manage')} />,
  },
  {
    path: '/id/sessions/:id',
    permission: 'cards.read',
    render: (p, s) => <SessionPage id={p.id as string} canManage={s.permissions.includes('cards.manage')} />,
  },
  { path: '/users', permission: 'users.manage', nav: 'nav.users', render: () => <UsersPage /> },
  { path: '/audit', permission: 'audit.read', nav: 'nav.audit', render: () => <AuditPage /> },
  {
    path: '/persons/:id',
    permission: 'register.read',
    render: (p, s) => (
      <PersonPage
        id={p.id as string}
        canUndo={s.permissions.includes('forms.write')}
        canRecord={s.permissions.includes('register.write')}
        cards={s.permissions.includes('cards.read') ? { canReceive: s.permissions.includes('cards.manage') } : null}
      />
    ),
  },
  {
    path: '/households/:id',
    permission: 'register.read',
    render: (p, s) => <HouseholdPage id={p.id as string} canRecord={s.permissions.includes('register.write')} />,
  },
]

export function App() {
  const { t, toggle } = useI18n()
  const client = useQueryClient()
  const [location, navigate] = useLocation()
  // The session that ended under an open page: the page stays as it was (whatever was typed
  // included) and a login dialog covers it until the user logs in again.
  const [lapsed, setLapsed] = useState<Session | null>(null)
  // On a phone the navigation folds behind a menu button.
  const [menuOpen, setMenuOpen] = useState(false)
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
      const last = client.getQueryData<Session | null>(['session'])
      if (last && (last.stage ?? 'full') === 'full') setLapsed((earlier) => earlier ?? last)
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
  const current = session.data ?? lapsed
  if (!current)
    return (
      <main>
        <Login notice={null} languageButton={languageButton} onDone={startOver} />
      </main>
    )
  if (current.stage === 'password-change') return <PasswordChange languageButton={languageButton} />
  if (current.stage === 'totp-setup') return <TotpSetup languageButton={languageButton} />

  async function startOver() {
    // A new login starts from nothing another user left in this browser's cache.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
    await client.invalidateQueries({ queryKey: ['session'] })
  }
  async function resume(next: Session) {
    if (next.user.id !== lapsed?.user.id || (next.stage ?? 'full') !== 'full') {
      // Someone else (or a login still to finish): nothing of the last user's page stays.
      sessionStorage.clear()
      navigate('/')
      setLapsed(null)
      return startOver()
    }
    await client.refetchQueries({ queryKey: ['session'] })
    setLapsed(null)
    await client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
  }
  const logout = async () => {
    await api('DELETE', '/api/session').catch(() => {})
    // Nothing the last user saw stays for the next one on this browser.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
    sessionStorage.clear()
    client.setQueryData(['session'], null)
  }
  const pages = PAGES.filter((p) => current.permissions.includes(p.permission))
  // Any other path shows the first page of the menu this user has.
  const home = pages.find((p) => p.nav)
  return (
    <>
      <div className="shell" inert={lapsed !== null}>
        <a className="skip" href="#main">
          {t('nav.skip')}
        </a>
        <header>
          <strong>coso</strong>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="menu"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {t('nav.menu')}
          </button>
          <nav id="menu" className={menuOpen ? 'open' : undefined} aria-label={t('nav.main')}>
            {NAV_GROUPS.map((group) => {
              const entries = pages.filter((p) => p.nav && groupOf(p.path) === group)
              if (entries.length === 0) return null
              return (
                <div key={group} className="nav-group">
                  <span className="nav-group-name">{t(`nav.group.${group}`)}</span>
                  {entries.map((p) => (
                    <Link
                      key={p.path}
                      href={p.path}
                      aria-current={location === p.path ? 'page' : undefined}
                      onClick={() => setMenuOpen(false)}
                    >
                      {t(p.nav as MessageKey)}
                    </Link>
                  ))}
                </div>
              )
            })}
          </nav>
          <span className="who">
            {current.user.username} · {current.user.role}
          </span>
          {languageButton}
          <button type="button" className="link" onClick={logout}>
            {t('app.logout')}
          </button>
        </header>
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<p className="center">{t('app.loading')}</p>}>
            <Switch>
              {pages.map((p) => (
                <Route key={p.path} path={p.path}>
                  {(params) => p.render(params, current)}
                </Route>
              ))}
              <Route>{home?.render({}, current) ?? null}</Route>
            </Switch>
          </Suspense>
        </main>
      </div>
      {lapsed && (
        <div className="overlay">
          <div role="dialog" aria-modal="true" aria-label={t('login.title')}>
            <Login notice={t('app.expired')} username={lapsed.user.username} languageButton={languageButton} onDone={resume} />
          </div>
        </div>
      )}
    </>
  )
}
