// Authorisation in one place. Every route declares what it asks of its caller in its config
// (`access`: a permission, 'authenticated' or 'public'); the route table gathered here is the
// source of truth, and a route under /api that declares nothing stops the server from starting.
// The hook below authenticates (API token, else session cookie with CSRF for writes), checks the
// permission and leaves the caller on `request.actor` for the route's queries and audit.
import cookie from '@fastify/cookie'
import type { FastifyRequest } from 'fastify'
import type { Db } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import type { App } from '../platform/http.ts'
import type { Permission, RouteAccess } from './roles.ts'
import { type Actor, actorFromSession, actorFromToken, csrfMatches, type SessionActor, writeAudit } from './service.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
    /** Allowed before the login is finished (password change or TOTP enrolment pending). */
    anyStage?: boolean
  }
  interface FastifyRequest {
    /** The caller; null only when the bench harness runs without access control. */
    actor: Actor | null
    session: SessionActor | null
  }
}

export const SESSION_COOKIE = 'coso_session'
export const CSRF_COOKIE = 'coso_csrf'
export const CSRF_HEADER = 'x-csrf-token'

export interface RouteEntry {
  method: string
  url: string
  access: RouteAccess
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

const unauthenticated = () =>
  new AppError('UNAUTHENTICATED', { vi: 'Cần đăng nhập hoặc mã truy cập hợp lệ.', en: 'Log in or send a valid API token.' }, 401)

/**
 * Installs the guard; returns the route table it fills. With `enforce: false` (the bench
 * harness only, never a command or setting) every caller is let through unaudited.
 */
export async function installGuard(app: App, db: Db, options: { enforce: boolean } = { enforce: true }): Promise<RouteEntry[]> {
  const table: RouteEntry[] = []
  await app.register(cookie)
  app.decorateRequest('actor', null)
  app.decorateRequest('session', null)
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path
    if (!url.startsWith('/api/')) return
    const access = (route.config as { access?: RouteAccess } | undefined)?.access
    if (!access) throw new Error(`route ${String(route.method)} ${url} declares no access (config.access)`)
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url, access })
  })
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config
    const access = config.access
    if (!access || access === 'public' || !options.enforce) return
    await authenticate(db, request)
    const actor = request.actor as Actor
    const stage = request.session?.stage
    if (stage && stage !== 'full' && !config.anyStage) {
      throw new AppError(
        stage === 'password-change' ? 'PASSWORD_CHANGE_REQUIRED' : 'TOTP_SETUP_REQUIRED',
        stage === 'password-change'
          ? { vi: 'Hãy đổi mật khẩu trước khi tiếp tục.', en: 'Change your password before going on.' }
          : {
              vi: 'Quản trị viên phải bật xác thực hai lớp (TOTP) trước khi tiếp tục.',
              en: 'Administrators must set up two-factor authentication (TOTP) first.',
            },
        403,
      )
    }
    if (access !== 'authenticated' && !actor.permissions.has(access as Permission)) {
      await writeAudit(db.pool, actor, 'access.denied', 'denied', {
        target: `${request.method} ${request.routeOptions.url}`,
        details: { permission: access },
      })
      throw new AppError('FORBIDDEN', { vi: 'Vai trò của bạn không có quyền này.', en: 'Your role does not allow this.' }, 403, {
        permission: access,
      })
    }
  })
  return table
}

async function authenticate(db: Db, request: FastifyRequest) {
  const info = { address: request.ip ?? null, requestId: request.id }
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
  if (request.headers.authorization !== undefined) {
    // A token that is not accepted is refused outright, even when a session cookie came too.
    const actor = bearer ? await actorFromToken(db, bearer, info) : undefined
    if (!actor)
      throw new AppError(
        'INVALID_TOKEN',
        { vi: 'Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.', en: 'The API token is invalid, expired or revoked.' },
        401,
      )
    request.actor = actor
    return
  }
  const sessionId = request.cookies[SESSION_COOKIE]
  const session = sessionId ? await actorFromSession(db, sessionId, info) : undefined
  if (!session) throw unauthenticated()
  // Cookies ride along on any request a browser makes: writes must also show the CSRF token,
  // which only our own pages can read.
  if (!SAFE.has(request.method) && !csrfMatches(session.csrf, request.headers[CSRF_HEADER] as string | undefined)) {
    throw new AppError('CSRF', { vi: 'Thiếu hoặc sai mã chống giả mạo (CSRF).', en: 'Missing or wrong CSRF token.' }, 403)
  }
  request.actor = session.actor
  request.session = session
}

/** The caller's unit scope for queries: null means the whole province. */
export const scopeOf = (request: FastifyRequest): string[] | null => request.actor?.scope ?? null

/** Whether the caller may see sensitive fields (always, without access control). */
export const seesSensitive = (request: FastifyRequest): boolean => !request.actor || request.actor.permissions.has('register.sensitive')
