// The composition root: which modules make coso, and how a database and a server are opened.
import type { AddressInfo } from 'node:net'
import { startSealing } from './access/audit.ts'
import { accessRoutes } from './access/routes.ts'
import { dedupRoutes } from './dedup/routes.ts'
import { eventRoutes } from './events/routes.ts'
import { geoRoutes } from './geo/routes.ts'
import { ensureReferenceData } from './geo/seed.ts'
import { batchRoutes } from './identity/batch-routes.ts'
import { ensureCalendarData } from './identity/calendar-service.ts'
import { dashboardRoutes } from './identity/dashboard-routes.ts'
import { dueRoutes } from './identity/due-routes.ts'
import { identityRoutes } from './identity/routes.ts'
import { sessionRoutes } from './identity/session-routes.ts'
import { startImportWorker } from './intake/jobs.ts'
import { intakeRoutes } from './intake/routes.ts'
import type { DbTarget } from './platform/config.ts'
import { type Db, openDatabase } from './platform/db.ts'
import { type App, createHttpApp, type RouteModule } from './platform/http.ts'
import { type Jobs, startJobs } from './platform/jobs.ts'
import type { Logger } from './platform/log.ts'
import { serveWebApp } from './platform/webapp.ts'
import { registerRoutes } from './register/routes.ts'

/** The modules' routes; access comes first, so that its guard sees every route after it. */
export const routes = (options: { enforce: boolean } = { enforce: true }): RouteModule[] => [
  accessRoutes(options),
  geoRoutes,
  registerRoutes,
  intakeRoutes,
  dedupRoutes,
  eventRoutes,
  identityRoutes,
  batchRoutes,
  sessionRoutes,
  dueRoutes,
  dashboardRoutes,
]

/** Opens (creating and migrating when new) and makes sure the reference data is loaded. */
export async function openCoso(target: DbTarget, logger?: Logger): Promise<Db> {
  const db = await openDatabase(target, { logger })
  try {
    if (await ensureReferenceData(db.kysely)) logger?.info('reference data loaded')
    if (await ensureCalendarData(db.kysely)) logger?.info('working-day calendar loaded')
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}

export interface Server {
  app: App
  db: Db
  /** Started once the server answers: the first request need not wait for the job system. */
  jobs: Promise<Jobs>
  url: string
  close(): Promise<void>
}

export async function startServer(options: {
  target: DbTarget
  port: number
  host: string
  logger: Logger
  /** false only in the bench harness that measures what access control costs. */
  enforceAccess?: boolean
}): Promise<Server> {
  const db = await openCoso(options.target, options.logger)
  let app: App
  let started: (jobs: Jobs) => void = () => {}
  let failed: (error: unknown) => void = () => {}
  const jobs = new Promise<Jobs>((resolve, reject) => {
    started = resolve
    failed = reject
  })
  jobs.catch((error: unknown) => options.logger.error({ err: String(error) }, 'the job system did not start'))
  try {
    app = await createHttpApp({ db, logger: options.logger, jobs }, routes({ enforce: options.enforceAccess ?? true }))
    await serveWebApp(app, options.logger)
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    await db.close()
    throw error
  }
  startJobs(db, options.logger, { maintenance: true })
    .then(async (boss) => {
      await startImportWorker(db, boss, options.logger)
      started(boss)
    })
    .catch(failed)
  const stopSealing = startSealing(db, options.logger)
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    app,
    db,
    jobs,
    url: `http://${host}:${address.port}`,
    // In-flight requests finish first; then the database is checkpointed and closed.
    close: async () => {
      await app.close()
      await stopSealing()
      // A running import stops between chunks: it resumes from there on the next start.
      await (await jobs.catch(() => undefined))?.stop({ graceful: true, timeout: 10_000, close: false })
      await db.close()
    },
  }
}
