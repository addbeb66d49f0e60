// The composition root: which modules make coso, and how a database and a server are opened.
import type { AddressInfo } from 'node:net'
import { geoRoutes } from './geo/routes.ts'
import { ensureReferenceData } from './geo/seed.ts'
import type { DbTarget } from './platform/config.ts'
import { type Db, openDatabase } from './platform/db.ts'
import { type App, createHttpApp, type RouteModule } from './platform/http.ts'
import type { Logger } from './platform/log.ts'

export const ROUTES: RouteModule[] = [geoRoutes]

/** Opens (creating and migrating when new) and makes sure the reference data is loaded. */
export async function openCoso(target: DbTarget, logger?: Logger): Promise<Db> {
  const db = await openDatabase(target, { logger })
  try {
    if (await ensureReferenceData(db.kysely)) logger?.info('reference data loaded')
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}

export interface Server {
  app: App
  db: Db
  url: string
  close(): Promise<void>
}

export async function startServer(options: { target: DbTarget; port: number; host: string; logger: Logger }): Promise<Server> {
  const db = await openCoso(options.target, options.logger)
  let app: App
  try {
    app = await createHttpApp({ db, logger: options.logger }, ROUTES)
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    await db.close()
    throw error
  }
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    app,
    db,
    url: `http://${host}:${address.port}`,
    // In-flight requests finish first; then the database is checkpointed and closed.
    close: async () => {
      await app.close()
      await db.close()
    },
  }
}
