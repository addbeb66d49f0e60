// access's HTTP routes: logging in and out, password change and TOTP enrolment, users and API
// tokens for administrators, and the audit log for auditors. Installs the guard first, so that
// every route registered after it is checked.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError } from '../platform/errors.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import * as audit from './audit.ts'
import { CSRF_COOKIE, installGuard, type RouteEntry, SESSION_COOKIE } from './guard.ts'
import { ROLES } from './roles.ts'
import * as access from './service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with the access it declares (the authorisation matrix is built from it). */
    routeTable: RouteEntry[]
  }
}

const tags = ['access']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 423: ErrorBody, 429: ErrorBody }
const Id = z.string().uuid()

const User = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    units: z.array(z.object({ code: z.string(), era: z.number() })),
    must_change_password: z.boolean(),
    totp_enabled: z.boolean(),
    disabled: z.boolean(),
    locked_until: z.string().nullable(),
    failed_logins: z.number(),
    created_at: z.string(),
  })
  .meta({ id: 'User' })

const Token = z
  .object({
    id: z.string(),
    username: z.string(),
    label: z.string().nullable(),
    units: z.array(z.string()).nullable(),
    read_only: z.boolean(),
    created_at: z.string(),
    expires_at: z.string(),
    revoked: z.boolean(),
    last_used_at: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' })

const SessionBody = z.object({
  user: z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES) }),
  stage: z.enum(['full', 'password-change', 'totp-setup']),
  csrf_token: z.string(),
  permissions: z.array(z.string()),
  units: z.array(z.string()).nullable(),
})

const AuditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    outcome: z.string(),
    person_id: z.string().nullable(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    address: z.string().nullable(),
    request_id: z.string().nullable(),
    chain_no: z.number().nullable(),
  })
  .meta({ id: 'AuditEntry' })

const Units = z.array(z.string().regex(/^\d{5}(:\d{4})?$/)).max(200)

function setSessionCookies(request: FastifyRequest, reply: FastifyReply, sessionId: string, csrf: string, expiresAt: Date) {
  const secure = request.protocol === 'https'
  reply.setCookie(SESSION_COOKIE, sessionId, { path: '/', httpOnly: true, sameSite: 'strict', secure, expires: expiresAt })
  // Readable by our own pages, which send it back in the X-CSRF-Token header.
  reply.setCookie(CSRF_COOKIE, csrf, { path: '/', httpOnly: false, sameSite: 'strict', secure, expires: expiresAt })
}

function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
  reply.clearCookie(CSRF_COOKIE, { path: '/' })
}

const sessionRequired = () =>
  new AppError(
    'SESSION_REQUIRED',
    { vi: 'Chỉ dùng trong phiên đăng nhập (không dùng mã truy cập API).', en: 'Only within a login session (not with an API token).' },
    400,
  )

const actorOf = (request: FastifyRequest) => request.actor as access.Actor

export function accessRoutes(options: { enforce: boolean } = { enforce: true }): RouteModule {
  return async (app, { db }) => {
    app.decorate('routeTable', await installGuard(app, db, options))

    app.post(
      '/api/session',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Log in / Đăng nhập',
          description: 'Opens a session (httpOnly cookie) and answers with the CSRF token that writes must send in X-CSRF-Token.',
          body: z.object({
            username: z.string().min(1).max(100),
            password: z.string().min(1).max(1000),
            totp: z.string().max(10).optional(),
          }),
          response: { 200: SessionBody, ...errors },
        },
      },
      async (request, reply) => {
        const result = await access.login(db, request.body, { address: request.ip, requestId: request.id }, request.cookies[SESSION_COOKIE])
        setSessionCookies(request, reply, result.sessionId, result.csrf, result.expiresAt)
        const session = await access.actorFromSession(db, result.sessionId, { address: request.ip, requestId: request.id })
        return {
          user: result.user,
          stage: result.stage,
          csrf_token: result.csrf,
          permissions: [...(session?.actor.permissions ?? [])],
          units: session?.actor.scope ?? null,
        }
      },
    )

    app.get(
      '/api/session',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: {
          tags,
          summary: 'Who I am / Phiên đăng nhập hiện tại',
          response: { 200: SessionBody.partial({ csrf_token: true, stage: true }), ...errors },
        },
      },
      async (request) => {
        const actor = actorOf(request)
        return {
          user: { id: actor.userId as string, username: actor.name, role: actor.role as (typeof ROLES)[number] },
          ...(request.session ? { stage: request.session.stage, csrf_token: request.session.csrf } : {}),
          permissions: [...actor.permissions],
          units: actor.scope,
        }
      },
    )

    app.delete(
      '/api/session',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: { tags, summary: 'Log out / Đăng xuất', response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        if (request.session) await access.logout(db, request.session, false)
        clearSessionCookies(reply)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/api/session/logout-everywhere',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: {
          tags,
          summary: 'Log out everywhere / Đăng xuất mọi nơi',
          response: { 200: z.object({ sessions: z.number() }), ...errors },
        },
      },
      async (request, reply) => {
        const session = request.session
        if (!session)
          throw new AppError('SESSION_REQUIRED', { vi: 'Chỉ dùng trong phiên đăng nhập.', en: 'Only within a login session.' }, 400)
        const sessions = await access.logout(db, session, true)
        clearSessionCookies(reply)
        return { sessions }
      },
    )

    app.post(
      '/api/session/password',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: {
          tags,
          summary: 'Change my password / Đổi mật khẩu',
          body: z.object({ current_password: z.string().max(1000), new_password: z.string().max(1000) }),
          response: { 200: z.object({ stage: z.enum(['full', 'password-change', 'totp-setup']) }), ...errors },
        },
      },
      async (request) => {
        const session = request.session
        if (!session)
          throw new AppError('SESSION_REQUIRED', { vi: 'Chỉ dùng trong phiên đăng nhập.', en: 'Only within a login session.' }, 400)
        return { stage: await access.changePassword(db, session, request.body.current_password, request.body.new_password) }
      },
    )

    app.post(
      '/api/session/totp',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: {
          tags,
          summary: 'Start TOTP enrolment / Bắt đầu bật xác thực hai lớp',
          description: 'A new secret and its otpauth:// URI (for a QR code); in force once a code from it is confirmed.',
          response: { 200: z.object({ secret: z.string(), uri: z.string() }), ...errors },
        },
      },
      async (request) => {
        if (!request.session) throw sessionRequired()
        if (request.session.stage === 'password-change') {
          throw new AppError('PASSWORD_CHANGE_REQUIRED', { vi: 'Hãy đổi mật khẩu trước.', en: 'Change your password first.' }, 403)
        }
        return access.startTotp(db, actorOf(request))
      },
    )

    app.post(
      '/api/session/totp/confirm',
      {
        config: { access: 'authenticated', anyStage: true },
        schema: {
          tags,
          summary: 'Confirm TOTP / Xác nhận mã TOTP',
          body: z.object({ code: z.string().max(10) }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        if (!request.session) throw sessionRequired()
        await access.confirmTotp(db, request.session, actorOf(request), request.body.code)
        return reply.code(204).send(null)
      },
    )

    // ——— users (administrators) ———

    app.get(
      '/api/users',
      {
        config: { access: 'users.manage' },
        schema: { tags, summary: 'Users / Người dùng', response: { 200: z.object({ items: z.array(User) }), ...errors } },
      },
      async () => ({ items: await access.listUsers(db) }),
    )

    app.post(
      '/api/users',
      {
        config: { access: 'users.manage' },
        schema: {
          tags,
          summary: 'Add a user / Thêm người dùng',
          description: 'Units are codes of today’s era, or `code:era`. The answer holds a one-time password, to be changed at first login.',
          body: z.object({ username: z.string().max(50), role: z.enum(ROLES), units: Units.default([]) }),
          response: { 201: z.object({ user: User, password: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const { user, password } = await access.addUser(db, actorOf(request), request.body)
        return reply.code(201).send({ user, password: password as string })
      },
    )

    app.patch(
      '/api/users/:id',
      {
        config: { access: 'users.manage' },
        schema: {
          tags,
          summary: 'Change role, units, disable, unlock / Sửa người dùng',
          params: z.object({ id: Id }),
          body: z.object({
            role: z.enum(ROLES).optional(),
            units: Units.optional(),
            disabled: z.boolean().optional(),
            unlock: z.boolean().optional(),
          }),
          response: { 200: User, ...errors },
        },
      },
      async (request) => access.changeUser(db, actorOf(request), await access.userById(db, request.params.id), request.body),
    )

    app.post(
      '/api/users/:id/password-reset',
      {
        config: { access: 'users.manage' },
        schema: {
          tags,
          summary: 'Reset a password / Đặt lại mật khẩu',
          params: z.object({ id: Id }),
          response: { 200: z.object({ password: z.string() }), ...errors },
        },
      },
      async (request) => ({
        password: (await access.resetPassword(db, actorOf(request), await access.userById(db, request.params.id))) as string,
      }),
    )

    // ——— API tokens ———

    app.get(
      '/api/tokens',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'My API tokens (all, for administrators) / Mã truy cập',
          response: { 200: z.object({ items: z.array(Token) }), ...errors },
        },
      },
      async (request) => {
        const actor = actorOf(request)
        return { items: await access.listTokens(db, actor.permissions.has('users.manage') ? undefined : (actor.userId ?? undefined)) }
      },
    )

    app.post(
      '/api/tokens',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'A new API token for me / Tạo mã truy cập',
          description: 'The token is shown once. It acts as its user, narrowed to the given units and to reading when asked.',
          body: z.object({
            label: z.string().max(100).optional(),
            expires_days: z.number().int().min(1).max(366).default(90),
            units: Units.optional(),
            read_only: z.boolean().default(false),
          }),
          response: { 201: z.object({ token: z.string(), info: Token }), ...errors },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request)
        const user = await access.userById(db, actor.userId as string)
        const { token, view } = await access.addToken(db, actor, user, {
          label: request.body.label,
          expiresDays: request.body.expires_days,
          units: request.body.units,
          readOnly: request.body.read_only,
        })
        return reply.code(201).send({ token, info: view })
      },
    )

    app.delete(
      '/api/tokens/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Revoke a token / Thu hồi mã', params: z.object({ id: Id }), response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        const actor = actorOf(request)
        await access.revokeToken(db, actor, request.params.id, actor.permissions.has('users.manage'))
        return reply.code(204).send(null)
      },
    )

    // ——— audit (auditors) ———

    app.get(
      '/api/audit',
      {
        config: { access: 'audit.read' },
        schema: {
          tags,
          summary: 'The audit log / Nhật ký truy cập',
          description: 'Oldest first; `after` is the id of the last entry of the previous page.',
          querystring: z.object({
            person: Id.optional(),
            user: z.string().max(100).optional(),
            action: z.string().max(100).optional(),
            since: z.iso.date().optional(),
            until: z.iso.date().optional(),
            after: Id.optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          }),
          response: { 200: z.object({ items: z.array(AuditEntry), next: z.string().nullable() }), ...errors },
        },
      },
      async (request) => {
        const { person, user, action, since, until, after, limit } = request.query
        return access.audited(
          db,
          request.actor,
          'audit.read',
          async (client) => {
            const rows = await audit.entries(client, { person_id: person, actor: user, action, since, until, after, limit: limit + 1 })
            const items = rows.slice(0, limit).map((e) => ({ ...e, at: e.at.toISOString() }))
            return { result: { items, next: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null } }
          },
          { details: { query: request.query } },
        )
      },
    )

    app.get(
      '/api/audit/verify',
      {
        config: { access: 'audit.read' },
        schema: {
          tags,
          summary: 'Verify the hash chain / Kiểm tra chuỗi băm',
          response: { 200: z.record(z.string(), z.unknown()), ...errors },
        },
      },
      async () => {
        await audit.seal(db)
        return { ...(await audit.verify(db)) }
      },
    )
  }
}
