// access's functions: who is calling (users, sessions, API tokens, the CLI's operator), what
// they may see (role permissions and unit scope), and the audit log every read and write of
// personal data goes into, in the transaction of the action.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { userInfo } from 'node:os'
import * as OTPAuth from 'otpauth'
import type pg from 'pg'
import { ERAS, type Era } from '../geo/eras.ts'
import * as geo from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import { type Db, inTransaction } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import * as register from '../register/service.ts'
import { hashPassword, oneTimePassword, PASSWORD_MESSAGES, passwordProblem, verifyPassword } from './password.ts'
import * as q from './queries.ts'
import { isRole, PERMISSIONS, type Permission, permissionsOf, type Role, SCOPED_ROLES } from './roles.ts'

/** Who acts: a user through a session or a token, or the operator at the server's CLI. */
export interface Actor {
  /** A username, or `cli:<os user>` for the command line. */
  name: string
  userId: string | null
  role: Role | null
  permissions: ReadonlySet<Permission>
  /** Unit-periods as `code:era`, old units mapped into the user's units included; null: the whole province. */
  scope: string[] | null
  via: 'session' | 'token' | 'cli'
  address: string | null
  requestId: string | null
}

export function cliActor(): Actor {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {}
  return {
    name: `cli:${user}`,
    userId: null,
    role: null,
    permissions: new Set(PERMISSIONS),
    scope: null,
    via: 'cli',
    address: null,
    requestId: null,
  }
}

export const can = (actor: Actor, permission: Permission) => actor.permissions.has(permission)

const envNumber = (name: string, fallback: number) => {
  const n = Number(process.env[name])
  return process.env[name] !== undefined && Number.isFinite(n) && n >= 0 ? n : fallback
}

/** Settings from the environment (docs/security.md), read when used. */
export const settings = () => ({
  sessionHours: envNumber('COSO_SESSION_HOURS', 12),
  idleMinutes: envNumber('COSO_SESSION_IDLE_MINUTES', 30),
  /** Failures that lock an account, and for how long. */
  lockAfter: envNumber('COSO_LOGIN_LOCK_AFTER', 5),
  lockMinutes: envNumber('COSO_LOGIN_LOCK_MINUTES', 15),
  /** From the second failure on, each try waits backoff × 2^(failures − 2) seconds. */
  backoffSeconds: envNumber('COSO_LOGIN_BACKOFF_SECONDS', 1),
  /** Failures from one address within the window before it must wait for the window to end. */
  addressLimit: envNumber('COSO_LOGIN_ADDRESS_LIMIT', 20),
  addressWindowMinutes: 15,
})

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const secret = () => randomBytes(32).toString('base64url')
export const TOKEN_PREFIX = 'coso_'

// ——— scope ———

const scopeCache = new Map<string, { keys: string[]; at: number }>()

/** A user's units with every older unit mapped into them (cached for a minute: the graph rarely changes). */
async function expandScope(db: Db, units: readonly string[]): Promise<string[]> {
  const cacheKey = units.join(',')
  const hit = scopeCache.get(cacheKey)
  if (hit && Date.now() - hit.at < 60_000) return hit.keys
  const keys = new Set<string>()
  for (const unit of units) {
    const [code, era] = unit.split(':') as [string, string]
    for (const u of await geo.unitWithPredecessors(db.kysely, code, { era: Number(era) as Era })) keys.add(`${u.code}:${u.era}`)
  }
  const list = [...keys].sort()
  scopeCache.set(cacheKey, { keys: list, at: Date.now() })
  return list
}

async function actorOf(
  db: Db,
  user: { id: string; username: string; role: Role; units: string[] },
  via: 'session' | 'token',
  narrowing: { units: string[] | null; readOnly: boolean },
  request: { address: string | null; requestId: string | null },
): Promise<Actor> {
  const scoped = SCOPED_ROLES.includes(user.role)
  const units = scoped ? (narrowing.units ? user.units.filter((u) => narrowing.units?.includes(u)) : user.units) : null
  return {
    name: user.username,
    userId: user.id,
    role: user.role,
    permissions: permissionsOf(user.role, narrowing.readOnly),
    scope: units ? await expandScope(db, units) : narrowing.units ? await expandScope(db, narrowing.units) : null,
    via,
    ...request,
  }
}

// ——— authentication ———

export interface RequestInfo {
  address: string | null
  requestId: string | null
}

export async function actorFromToken(db: Db, token: string, request: RequestInfo): Promise<Actor | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined
  const row = await q.liveToken(db.pool, sha256(token))
  if (!row || row.province_code !== provinceCode()) return undefined
  return actorOf(db, row, 'token', { units: row.token_units, readOnly: row.read_only }, request)
}

export interface SessionActor {
  actor: Actor
  stage: q.SessionRow['stage']
  csrf: string
  idHash: string
}

export async function actorFromSession(db: Db, sessionId: string, request: RequestInfo): Promise<SessionActor | undefined> {
  if (sessionId.length > 100) return undefined
  const province = provinceCode()
  const idHash = sha256(sessionId)
  const session = await q.liveSession(db.pool, province, idHash, settings().idleMinutes * 60)
  if (!session) return undefined
  const user = await q.userById(db.pool, province, session.user_id)
  if (!user || user.disabled_at) return undefined
  return {
    actor: await actorOf(db, user, 'session', { units: null, readOnly: false }, request),
    stage: session.stage,
    csrf: session.csrf_token,
    idHash,
  }
}

export const csrfMatches = (expected: string, given: string | undefined) => {
  const a = Buffer.from(expected)
  const b = Buffer.from(given ?? '')
  return a.length === b.length && timingSafeEqual(a, b)
}

const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', { vi: 'Sai tên đăng nhập hoặc mật khẩu.', en: 'Wrong username or password.' }, 401)

function tooMany(seconds: number, who: 'account' | 'address') {
  const wait = Math.max(1, Math.ceil(seconds))
  return new AppError(
    'TOO_MANY_ATTEMPTS',
    who === 'account'
      ? { vi: `Đăng nhập sai nhiều lần: hãy thử lại sau ${wait} giây.`, en: `Too many failed logins: try again in ${wait} s.` }
      : {
          vi: `Quá nhiều lần đăng nhập sai từ địa chỉ này: hãy thử lại sau ${wait} giây.`,
          en: `Too many failed logins from this address: try again in ${wait} s.`,
        },
    429,
    { retry_after: wait },
  )
}

// A hash to verify against when the username is unknown, so both answers take as long.
let dummyHash: Promise<string> | undefined

export interface LoginResult {
  sessionId: string
  stage: q.SessionRow['stage']
  csrf: string
  expiresAt: Date
  user: { id: string; username: string; role: Role }
}

/**
 * Checks a login and opens a session. Every attempt is audited; failures count against the
 * account (backoff, then lockout) and the client address.
 */
export async function login(
  db: Db,
  input: { username: string; password: string; totp?: string | undefined },
  request: RequestInfo,
  replacing: string | undefined,
): Promise<LoginResult> {
  const province = provinceCode()
  const s = settings()
  const fail = async (reason: string, userId: string | null, error: AppError) => {
    await inTransaction(db, async (client) => {
      if (request.address) await q.recordAddressFailure(client, request.address, s.addressWindowMinutes * 60)
      if (userId && reason !== 'locked' && reason !== 'backoff')
        await q.recordUserFailure(client, province, userId, s.lockAfter, s.lockMinutes * 60)
      await writeAudit(client, anonymous(input.username, request, userId), 'login', 'denied', { details: { reason } })
    })
    throw error
  }
  if (request.address) {
    const t = await q.addressThrottle(db.pool, request.address)
    const windowEnd = t ? t.window_start.getTime() + s.addressWindowMinutes * 60_000 : 0
    if (t && t.failures >= s.addressLimit && windowEnd > Date.now())
      await fail('address-throttled', null, tooMany((windowEnd - Date.now()) / 1000, 'address'))
  }
  const user = await q.userByName(db.pool, province, input.username)
  if (!user || user.disabled_at) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
    await verifyPassword(await dummyHash, input.password)
    return fail(user ? 'disabled' : 'unknown-user', null, invalidCredentials())
  }
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    const seconds = (user.locked_until.getTime() - Date.now()) / 1000
    await fail(
      'locked',
      user.id,
      new AppError(
        'ACCOUNT_LOCKED',
        {
          vi: `Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau ${Math.ceil(seconds / 60)} phút hoặc nhờ quản trị viên mở khoá.`,
          en: `The account is locked after repeated failed logins; try again in ${Math.ceil(seconds / 60)} min or ask an administrator to unlock it.`,
        },
        423,
        { retry_after: Math.ceil(seconds) },
      ),
    )
  }
  if (user.failed_logins >= 2 && user.last_failed_at) {
    const wait = s.backoffSeconds * 2 ** (user.failed_logins - 2) * 1000 - (Date.now() - user.last_failed_at.getTime())
    if (wait > 0) await fail('backoff', user.id, tooMany(wait / 1000, 'account'))
  }
  if (!(await verifyPassword(user.password_hash, input.password))) await fail('wrong-password', user.id, invalidCredentials())
  if (user.totp_enabled) {
    if (!input.totp) {
      throw new AppError(
        'TOTP_REQUIRED',
        { vi: 'Nhập mã xác thực 6 số từ ứng dụng.', en: 'Enter the 6-digit code from your authenticator app.' },
        401,
      )
    }
    if (!totpValid(user.totp_secret as string, input.totp)) {
      await fail(
        'wrong-totp',
        user.id,
        new AppError('TOTP_INVALID', { vi: 'Mã xác thực không đúng.', en: 'Wrong authentication code.' }, 401),
      )
    }
  }
  const stage: q.SessionRow['stage'] = user.must_change_password
    ? 'password-change'
    : user.role === 'province-admin' && !user.totp_enabled
      ? 'totp-setup'
      : 'full'
  const sessionId = secret()
  const csrf = secret()
  const expiresAt = new Date(Date.now() + s.sessionHours * 3600_000)
  await inTransaction(db, async (client) => {
    // A new id at every login (no session fixation): whatever session the client held ends.
    if (replacing) await q.revokeSession(client, province, sha256(replacing))
    await q.clearUserFailures(client, province, user.id)
    await q.insertSession(client, {
      province,
      idHash: sha256(sessionId),
      userId: user.id,
      stage,
      csrf,
      address: request.address,
      expiresAt,
    })
    await writeAudit(client, anonymous(user.username, request, user.id), 'login', 'ok', { details: { stage } })
  })
  return { sessionId, stage, csrf, expiresAt, user: { id: user.id, username: user.username, role: user.role } }
}

const anonymous = (name: string, request: RequestInfo, userId: string | null): Actor => ({
  name,
  userId,
  role: null,
  permissions: new Set(),
  scope: null,
  via: 'session',
  ...request,
})

export async function logout(db: Db, session: SessionActor, everywhere: boolean): Promise<number> {
  const province = provinceCode()
  return inTransaction(db, async (client) => {
    let n = 1
    if (everywhere) n = await q.revokeUserSessions(client, province, session.actor.userId as string)
    else await q.revokeSession(client, province, session.idHash)
    await writeAudit(client, session.actor, everywhere ? 'logout-everywhere' : 'logout', 'ok', { details: { sessions: n } })
    return n
  })
}

function checkPassword(password: string, username: string) {
  const problem = passwordProblem(password, username)
  if (problem) throw badInput(PASSWORD_MESSAGES[problem], { field: 'password', rule: `password-${problem}` })
}

/** The user changes their own password; other sessions end. Returns the session's next stage. */
export async function changePassword(db: Db, session: SessionActor, current: string, next: string): Promise<q.SessionRow['stage']> {
  const province = provinceCode()
  const user = await q.userById(db.pool, province, session.actor.userId as string)
  if (!user) throw invalidCredentials()
  if (!(await verifyPassword(user.password_hash, current))) {
    throw new AppError('INVALID_CREDENTIALS', { vi: 'Mật khẩu hiện tại không đúng.', en: 'The current password is wrong.' }, 401)
  }
  checkPassword(next, user.username)
  if (await verifyPassword(user.password_hash, next)) {
    throw badInput(
      { vi: 'Mật khẩu mới phải khác mật khẩu cũ.', en: 'The new password must differ from the old one.' },
      { field: 'new_password' },
    )
  }
  const stage = user.role === 'province-admin' && !user.totp_enabled ? 'totp-setup' : 'full'
  const hash = await hashPassword(next)
  await inTransaction(db, async (client) => {
    await q.updateUser(client, province, user.id, { password_hash: hash, must_change_password: false })
    await q.revokeUserSessions(client, province, user.id, session.idHash)
    await q.setSessionStage(client, province, session.idHash, stage)
    await writeAudit(client, session.actor, 'password.change', 'ok', { target: `user:${user.username}` })
  })
  return stage
}

// ——— TOTP ———

const totpOf = (secretBase32: string, label = 'coso') =>
  new OTPAuth.TOTP({ issuer: 'coso', label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secretBase32) })

export function totpValid(secretBase32: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false
  return totpOf(secretBase32).validate({ token: code, window: 1 }) !== null
}

export function totpCode(secretBase32: string): string {
  return totpOf(secretBase32).generate()
}

/** Starts enrolment: a new secret, stored but not in force until a code from it is confirmed. */
export async function startTotp(db: Db, actor: Actor): Promise<{ secret: string; uri: string }> {
  const secretBase32 = new OTPAuth.Secret({ size: 20 }).base32
  await q.updateUser(db.pool, provinceCode(), actor.userId as string, { totp_secret: secretBase32, totp_enabled: false })
  return { secret: secretBase32, uri: totpOf(secretBase32, actor.name).toString() }
}

/** Turns TOTP on for a user whose secret the operator handed over (the CLI's enrolment). */
export async function enableTotp(db: Db, actor: Actor, userId: string): Promise<void> {
  await inTransaction(db, async (client) => {
    await q.updateUser(client, provinceCode(), userId, { totp_enabled: true })
    await writeAudit(client, actor, 'totp.enable', 'ok', { target: `user:${userId}` })
  })
}

export async function confirmTotp(db: Db, session: SessionActor | null, actor: Actor, code: string): Promise<void> {
  const province = provinceCode()
  const user = await q.userById(db.pool, province, actor.userId as string)
  if (!user?.totp_secret || !totpValid(user.totp_secret, code)) {
    throw new AppError('TOTP_INVALID', { vi: 'Mã xác thực không đúng.', en: 'Wrong authentication code.' }, 400)
  }
  await inTransaction(db, async (client) => {
    await q.updateUser(client, province, user.id, { totp_enabled: true })
    if (session?.stage === 'totp-setup') await q.setSessionStage(client, province, session.idHash, 'full')
    await writeAudit(client, actor, 'totp.enable', 'ok', { target: `user:${user.username}` })
  })
}

// ——— administration ———

export interface UserView {
  id: string
  username: string
  role: Role
  units: { code: string; era: number }[]
  must_change_password: boolean
  totp_enabled: boolean
  disabled: boolean
  locked_until: string | null
  failed_logins: number
  created_at: string
}

export function viewUser(u: q.UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    units: u.units.map((k) => {
      const [code, era] = k.split(':') as [string, string]
      return { code, era: Number(era) }
    }),
    must_change_password: u.must_change_password,
    totp_enabled: u.totp_enabled,
    disabled: u.disabled_at !== null,
    locked_until: u.locked_until && u.locked_until.getTime() > Date.now() ? u.locked_until.toISOString() : null,
    failed_logins: u.failed_logins,
    created_at: u.created_at.toISOString(),
  }
}

/** Unit codes as given (today's era unless `code:era`) → checked unit-periods; with a role, checked against it. */
async function resolveUnits(db: Db, role: Role | null, codes: string[]): Promise<{ code: string; era: number }[]> {
  const units: { code: string; era: number }[] = []
  for (const given of codes) {
    const [code, eraText] = given.split(':') as [string, string | undefined]
    const era = eraText === undefined ? undefined : Number(eraText)
    if (era !== undefined && !(ERAS as readonly number[]).includes(era)) {
      throw badInput({ vi: `Thời kỳ "${eraText}" không hợp lệ.`, en: `Unknown era "${eraText}".` }, { field: 'units', rule: 'era' })
    }
    const unit = await geo.getUnit(db.kysely, code, era === undefined ? {} : { era: era as Era })
    units.push({ code: unit.code, era: unit.era })
  }
  if (role === null) return units
  if (SCOPED_ROLES.includes(role) && units.length === 0) {
    throw badInput(
      { vi: `Vai trò ${role} cần ít nhất một đơn vị (--unit).`, en: `Role ${role} needs at least one unit (--unit).` },
      { field: 'units', rule: 'scope-required' },
    )
  }
  if (!SCOPED_ROLES.includes(role) && units.length > 0) {
    throw badInput(
      { vi: `Vai trò ${role} làm việc trên toàn tỉnh, không gắn đơn vị.`, en: `Role ${role} works province-wide and takes no units.` },
      { field: 'units', rule: 'scope-not-allowed' },
    )
  }
  return units
}

function checkRole(role: string): Role {
  if (!isRole(role)) {
    throw badInput({ vi: `Vai trò "${role}" không có.`, en: `Unknown role "${role}".` }, { field: 'role', rule: 'role' })
  }
  return role
}

function checkUsername(username: string) {
  if (!/^[a-z0-9][a-z0-9._-]{2,49}$/i.test(username)) {
    throw badInput(
      {
        vi: 'Tên đăng nhập: 3–50 ký tự chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.',
        en: 'Username: 3–50 characters of letters without diacritics, digits, dot, hyphen or underscore.',
      },
      { field: 'username', rule: 'username' },
    )
  }
}

/** Adds a user. Without a password, a one-time password is made and must be changed at first login. */
export async function addUser(
  db: Db,
  actor: Actor,
  input: { username: string; role: string; units: string[]; password?: string | undefined },
): Promise<{ user: UserView; password: string | null }> {
  const province = provinceCode()
  checkUsername(input.username)
  const role = checkRole(input.role)
  const units = await resolveUnits(db, role, input.units)
  if (input.password !== undefined) checkPassword(input.password, input.username)
  const password = input.password ?? oneTimePassword()
  const id = uuidv7()
  const passwordHash = await hashPassword(password)
  await inTransaction(db, async (client) => {
    if (await q.userByName(client, province, input.username)) {
      throw new AppError('USER_EXISTS', { vi: `Đã có người dùng ${input.username}.`, en: `User ${input.username} exists.` }, 409)
    }
    await q.insertUser(client, { province, id, username: input.username, role, passwordHash, mustChange: input.password === undefined })
    await q.setScope(client, province, id, units)
    await writeAudit(client, actor, 'user.add', 'ok', {
      target: `user:${input.username}`,
      details: { role, units: units.map((u) => `${u.code}:${u.era}`) },
    })
  })
  const user = (await q.userById(db.pool, province, id)) as q.UserRow
  return { user: viewUser(user), password: input.password === undefined ? password : null }
}

export async function findUser(db: Db, username: string): Promise<q.UserRow> {
  const user = await q.userByName(db.pool, provinceCode(), username)
  if (!user) throw notFound({ vi: `người dùng ${username}`, en: `User ${username}` })
  return user
}

export async function userById(db: Db, id: string): Promise<q.UserRow> {
  const user = /^[0-9a-f-]{36}$/i.test(id) ? await q.userById(db.pool, provinceCode(), id) : undefined
  if (!user) throw notFound({ vi: 'người dùng này', en: 'User' })
  return user
}

export async function listUsers(db: Db): Promise<UserView[]> {
  return (await q.users(db.pool, provinceCode())).map(viewUser)
}

export interface UserChange {
  role?: string | undefined
  units?: string[] | undefined
  disabled?: boolean | undefined
  unlock?: boolean | undefined
}

/** Role, scope, disabling (sessions and tokens stop at once) and unlocking, audited. */
export async function changeUser(db: Db, actor: Actor, user: q.UserRow, change: UserChange): Promise<UserView> {
  const province = provinceCode()
  const role = change.role !== undefined ? checkRole(change.role) : user.role
  const units =
    change.units !== undefined || role !== user.role
      ? await resolveUnits(db, role, change.units ?? (SCOPED_ROLES.includes(role) ? user.units : []))
      : undefined
  await inTransaction(db, async (client) => {
    await q.updateUser(client, province, user.id, {
      ...(role !== user.role ? { role } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.unlock ? { unlock: true } : {}),
    })
    if (units) await q.setScope(client, province, user.id, units)
    if (change.disabled) await q.revokeUserSessions(client, province, user.id)
    const target = `user:${user.username}`
    if (role !== user.role) await writeAudit(client, actor, 'user.role', 'ok', { target, details: { from: user.role, to: role } })
    if (units)
      await writeAudit(client, actor, 'user.scope', 'ok', {
        target,
        details: { from: user.units, to: units.map((u) => `${u.code}:${u.era}`) },
      })
    if (change.disabled !== undefined) await writeAudit(client, actor, change.disabled ? 'user.disable' : 'user.enable', 'ok', { target })
    if (change.unlock) await writeAudit(client, actor, 'user.unlock', 'ok', { target })
  })
  return viewUser((await q.userById(db.pool, province, user.id)) as q.UserRow)
}

/** A new one-time password (or the one given, kept as is); sessions end. */
export async function resetPassword(db: Db, actor: Actor, user: q.UserRow, password?: string): Promise<string | null> {
  const province = provinceCode()
  if (password !== undefined) checkPassword(password, user.username)
  const next = password ?? oneTimePassword()
  const hash = await hashPassword(next)
  await inTransaction(db, async (client) => {
    await q.updateUser(client, province, user.id, { password_hash: hash, must_change_password: password === undefined, unlock: true })
    await q.revokeUserSessions(client, province, user.id)
    await writeAudit(client, actor, 'user.password-reset', 'ok', { target: `user:${user.username}` })
  })
  return password === undefined ? next : null
}

// ——— API tokens ———

export interface TokenView {
  id: string
  username: string
  label: string | null
  units: string[] | null
  read_only: boolean
  created_at: string
  expires_at: string
  revoked: boolean
  last_used_at: string | null
}

const viewToken = (t: q.TokenRow): TokenView => ({
  id: t.id,
  username: t.username,
  label: t.label,
  units: t.units,
  read_only: t.read_only,
  created_at: t.created_at.toISOString(),
  expires_at: t.expires_at.toISOString(),
  revoked: t.revoked_at !== null,
  last_used_at: t.last_used_at?.toISOString() ?? null,
})

/** A token for a user; shown once, stored as its SHA-256 (it is 256 random bits: no salt or slow hash needed). */
export async function addToken(
  db: Db,
  actor: Actor,
  user: q.UserRow,
  input: { expiresDays?: number | undefined; label?: string | undefined; units?: string[] | undefined; readOnly?: boolean | undefined },
): Promise<{ token: string; view: TokenView }> {
  const province = provinceCode()
  if (user.disabled_at) {
    throw new AppError('USER_DISABLED', { vi: `Người dùng ${user.username} đã bị khoá.`, en: `User ${user.username} is disabled.` }, 409)
  }
  const days = input.expiresDays ?? 90
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw badInput({ vi: 'Thời hạn mã: 1–366 ngày.', en: 'Token lifetime: 1–366 days.' }, { field: 'expires_days', rule: 'range' })
  }
  let units: string[] | null = null
  if (input.units && input.units.length > 0) {
    units = (await resolveUnits(db, null, input.units)).map((u) => `${u.code}:${u.era}`)
    const outside = SCOPED_ROLES.includes(user.role) ? units.filter((u) => !user.units.includes(u)) : []
    if (outside.length > 0) {
      throw badInput(
        {
          vi: `Mã chỉ được thu hẹp phạm vi: ${outside.join(', ')} ngoài phạm vi của người dùng.`,
          en: `A token can only narrow the scope: ${outside.join(', ')} is outside the user's.`,
        },
        { field: 'units', rule: 'narrow-only' },
      )
    }
  }
  const token = `${TOKEN_PREFIX}${secret()}`
  const id = uuidv7()
  await inTransaction(db, async (client) => {
    await q.insertToken(client, {
      province,
      id,
      userId: user.id,
      hash: sha256(token),
      label: input.label ?? null,
      units,
      readOnly: input.readOnly ?? false,
      expiresAt: new Date(Date.now() + days * 86_400_000),
    })
    await writeAudit(client, actor, 'token.add', 'ok', {
      target: `user:${user.username}`,
      details: { token_id: id, days, units, read_only: input.readOnly ?? false },
    })
  })
  const view = (await q.tokens(db.pool, province, user.id)).find((t) => t.id === id) as q.TokenRow
  return { token, view: viewToken(view) }
}

export async function listTokens(db: Db, userId?: string): Promise<TokenView[]> {
  return (await q.tokens(db.pool, provinceCode(), userId)).map(viewToken)
}

/** Revokes a token (only the caller's own unless `anyUser`). */
export async function revokeToken(db: Db, actor: Actor, id: string, anyUser: boolean): Promise<void> {
  const province = provinceCode()
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound({ vi: 'mã truy cập này', en: 'Token' })
  await inTransaction(db, async (client) => {
    if (!(await q.revokeToken(client, province, id, anyUser ? undefined : (actor.userId ?? undefined)))) {
      throw notFound({ vi: 'mã truy cập này (hoặc đã thu hồi)', en: 'Token (or already revoked)' })
    }
    await writeAudit(client, actor, 'token.revoke', 'ok', { target: `token:${id}` })
  })
}

// ——— audit ———

/** A register id, or the person holding a personal ID number. */
export async function personIdOf(db: Db, idOrNumber: string): Promise<string | undefined> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrNumber)) return idOrNumber.toLowerCase()
  const number = idOrNumber.replace(/\D/g, '')
  return (await register.holders(db.pool, [number])).get(number)?.person_id
}

export type Outcome = q.NewAuditEntry['outcome']

export async function writeAudit(
  client: Pick<pg.Pool, 'query'>,
  actor: Actor,
  action: string,
  outcome: Outcome,
  what: { person_id?: string | null; target?: string | null; details?: Record<string, unknown> } = {},
) {
  await q.insertAudit(client, provinceCode(), {
    id: uuidv7(),
    actor: actor.name,
    actor_id: actor.userId,
    action,
    outcome,
    person_id: what.person_id ?? null,
    target: what.target ?? null,
    details: what.details ?? {},
    address: actor.address,
    request_id: actor.requestId,
  })
}

/** Audits a write that committed on its own (reference data, whose services own their transactions). */
export async function auditWrite(db: Db, actor: Actor | null, action: string, target: string, details: Record<string, unknown> = {}) {
  if (actor) await writeAudit(db.pool, actor, action, 'ok', { target, details })
}

export interface Audited<T> {
  result: T
  person_id?: string | null
  target?: string | null
  details?: Record<string, unknown>
}

/**
 * Reads (actions named `*.read`, `*.search`) change nothing but their audit entry, which then
 * commits without waiting for the disk: a server crash can lose the last fraction of a second
 * of read entries, never a write's. Measured: about a quarter of the cost of an audited read.
 */
const READ = /\.(read|search)$/

/**
 * Runs an action and writes its audit entry in the same transaction. When the action fails the
 * attempt is still recorded (outcome `not-found`, `denied` or `failed`) after the rollback.
 */
export async function audited<T>(
  db: Db,
  actor: Actor | null,
  action: string,
  fn: (client: pg.PoolClient) => Promise<Audited<T>>,
  attempted: { person_id?: string | null; target?: string | null; details?: Record<string, unknown> } = {},
): Promise<T> {
  if (!actor) return (await inTransaction(db, fn)).result // the bench harness without access control
  try {
    return await inTransaction(
      db,
      async (client) => {
        const done = await fn(client)
        await writeAudit(client, actor, action, 'ok', {
          person_id: done.person_id ?? attempted.person_id ?? null,
          target: done.target ?? attempted.target ?? null,
          details: { ...attempted.details, ...done.details },
        })
        return done.result
      },
      READ.test(action) ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN',
    )
  } catch (error) {
    const outcome: Outcome =
      error instanceof AppError && error.status === 404
        ? 'not-found'
        : error instanceof AppError && error.status === 403
          ? 'denied'
          : 'failed'
    await writeAudit(db.pool, actor, action, outcome, {
      ...attempted,
      details: { ...attempted.details, ...(error instanceof AppError ? { code: error.code } : {}) },
    })
    throw error
  }
}
