// access's SQL: users, scopes, sessions, tokens, login throttling and the audit log.
import type { Queryable } from '../platform/db.ts'
import { uuidv7Floor } from '../platform/ids.ts'
import type { ChainEntry } from './chain.ts'
import type { Role } from './roles.ts'

export interface UserRow {
  id: string
  username: string
  role: Role
  password_hash: string
  must_change_password: boolean
  totp_secret: string | null
  totp_enabled: boolean
  disabled_at: Date | null
  failed_logins: number
  last_failed_at: Date | null
  locked_until: Date | null
  created_at: Date
  units: string[]
}

const USER_SELECT = `u.id, u.username, u.role, u.password_hash, u.must_change_password, u.totp_secret, u.totp_enabled, u.disabled_at,
  u.failed_logins, u.last_failed_at, u.locked_until, u.created_at,
  COALESCE((SELECT array_agg(s.unit_code || ':' || s.era ORDER BY s.unit_code, s.era) FROM user_scope s
             WHERE s.province_code = u.province_code AND s.user_id = u.id), '{}') AS units`

export async function userByName(db: Queryable, province: string, username: string): Promise<UserRow | undefined> {
  const { rows } = await db.query(`SELECT ${USER_SELECT} FROM app_user u WHERE u.province_code = $1 AND lower(u.username) = lower($2)`, [
    province,
    username,
  ])
  return rows[0]
}

export async function userById(db: Queryable, province: string, id: string): Promise<UserRow | undefined> {
  const { rows } = await db.query(`SELECT ${USER_SELECT} FROM app_user u WHERE u.province_code = $1 AND u.id = $2`, [province, id])
  return rows[0]
}

export async function users(db: Queryable, province: string): Promise<UserRow[]> {
  const { rows } = await db.query(`SELECT ${USER_SELECT} FROM app_user u WHERE u.province_code = $1 ORDER BY lower(u.username)`, [province])
  return rows
}

export async function insertUser(
  db: Queryable,
  u: { province: string; id: string; username: string; role: Role; passwordHash: string; mustChange: boolean },
) {
  await db.query(
    `INSERT INTO app_user (province_code, id, username, role, password_hash, must_change_password) VALUES ($1, $2, $3, $4, $5, $6)`,
    [u.province, u.id, u.username, u.role, u.passwordHash, u.mustChange],
  )
}

export async function setScope(db: Queryable, province: string, userId: string, units: { code: string; era: number }[]) {
  await db.query(`DELETE FROM user_scope WHERE province_code = $1 AND user_id = $2`, [province, userId])
  if (units.length === 0) return
  await db.query(
    `INSERT INTO user_scope (province_code, user_id, unit_code, era)
     SELECT $1, $2, u.code, u.era FROM unnest($3::text[], $4::smallint[]) AS u(code, era) ON CONFLICT DO NOTHING`,
    [province, userId, units.map((u) => u.code), units.map((u) => u.era)],
  )
}

export async function updateUser(
  db: Queryable,
  province: string,
  id: string,
  set: Partial<{
    role: Role
    password_hash: string
    must_change_password: boolean
    totp_secret: string | null
    totp_enabled: boolean
    disabled: boolean
    unlock: boolean
  }>,
) {
  const assignments: string[] = []
  const values: unknown[] = [province, id]
  const add = (sql: string, value: unknown) => {
    values.push(value)
    assignments.push(sql.replace('?', `$${values.length}`))
  }
  if (set.role !== undefined) add('role = ?', set.role)
  if (set.password_hash !== undefined) {
    add('password_hash = ?', set.password_hash)
    assignments.push('password_changed_at = now()')
  }
  if (set.must_change_password !== undefined) add('must_change_password = ?', set.must_change_password)
  if (set.totp_secret !== undefined) add('totp_secret = ?', set.totp_secret)
  if (set.totp_enabled !== undefined) add('totp_enabled = ?', set.totp_enabled)
  if (set.disabled !== undefined) assignments.push(set.disabled ? 'disabled_at = now()' : 'disabled_at = NULL')
  if (set.unlock) assignments.push('failed_logins = 0', 'locked_until = NULL', 'last_failed_at = NULL')
  if (assignments.length === 0) return
  await db.query(`UPDATE app_user SET ${assignments.join(', ')} WHERE province_code = $1 AND id = $2`, values)
}

/** Counts a failed login; locks the account for `lockSeconds` once `lockAfter` failures are reached. */
export async function recordUserFailure(db: Queryable, province: string, id: string, lockAfter: number, lockSeconds: number) {
  await db.query(
    `UPDATE app_user SET failed_logins = failed_logins + 1, last_failed_at = now(),
            locked_until = CASE WHEN failed_logins + 1 >= $3 THEN now() + make_interval(secs => $4) ELSE locked_until END
      WHERE province_code = $1 AND id = $2`,
    [province, id, lockAfter, lockSeconds],
  )
}

export async function clearUserFailures(db: Queryable, province: string, id: string) {
  await db.query(`UPDATE app_user SET failed_logins = 0, last_failed_at = NULL, locked_until = NULL WHERE province_code = $1 AND id = $2`, [
    province,
    id,
  ])
}

export async function addressThrottle(db: Queryable, address: string): Promise<{ failures: number; window_start: Date } | undefined> {
  const { rows } = await db.query(`SELECT failures, window_start FROM login_throttle WHERE address = $1`, [address])
  return rows[0]
}

export async function recordAddressFailure(db: Queryable, address: string, windowSeconds: number) {
  await db.query(
    `INSERT INTO login_throttle (address, failures, window_start, last_failed_at) VALUES ($1, 1, now(), now())
     ON CONFLICT (address) DO UPDATE SET
       failures = CASE WHEN login_throttle.window_start < now() - make_interval(secs => $2) THEN 1 ELSE login_throttle.failures + 1 END,
       window_start = CASE WHEN login_throttle.window_start < now() - make_interval(secs => $2) THEN now() ELSE login_throttle.window_start END,
       last_failed_at = now()`,
    [address, windowSeconds],
  )
}

// ——— sessions ———

export interface SessionRow {
  user_id: string
  stage: 'full' | 'password-change' | 'totp-setup'
  csrf_token: string
  expires_at: Date
  last_seen_at: Date
}

export async function insertSession(
  db: Queryable,
  s: {
    province: string
    idHash: string
    userId: string
    stage: SessionRow['stage']
    csrf: string
    address: string | null
    expiresAt: Date
  },
) {
  await db.query(
    `INSERT INTO user_session (province_code, id_hash, user_id, stage, csrf_token, address, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [s.province, s.idHash, s.userId, s.stage, s.csrf, s.address, s.expiresAt],
  )
}

/**
 * A live session (not revoked, not past its absolute or idle expiry). Its last use is written at
 * most once a minute: concurrent requests of one session must not queue on its row.
 */
export async function liveSession(db: Queryable, province: string, idHash: string, idleSeconds: number): Promise<SessionRow | undefined> {
  const { rows } = await db.query(
    `WITH s AS (
       SELECT user_id, stage, csrf_token, expires_at, last_seen_at FROM user_session
        WHERE province_code = $1 AND id_hash = $2 AND revoked_at IS NULL AND expires_at > now()
          AND last_seen_at > now() - make_interval(secs => $3)),
     touch AS (
       UPDATE user_session SET last_seen_at = now()
        WHERE province_code = $1 AND id_hash = $2 AND last_seen_at < now() - interval '1 minute' AND EXISTS (SELECT 1 FROM s))
     SELECT * FROM s`,
    [province, idHash, idleSeconds],
  )
  return rows[0]
}

export async function setSessionStage(db: Queryable, province: string, idHash: string, stage: SessionRow['stage']) {
  await db.query(`UPDATE user_session SET stage = $3 WHERE province_code = $1 AND id_hash = $2`, [province, idHash, stage])
}

export async function revokeSession(db: Queryable, province: string, idHash: string) {
  await db.query(`UPDATE user_session SET revoked_at = now() WHERE province_code = $1 AND id_hash = $2 AND revoked_at IS NULL`, [
    province,
    idHash,
  ])
}

/** Ends a user's sessions, all of them or all but one. */
export async function revokeUserSessions(db: Queryable, province: string, userId: string, except?: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE user_session SET revoked_at = now()
      WHERE province_code = $1 AND user_id = $2 AND revoked_at IS NULL AND ($3::text IS NULL OR id_hash <> $3)`,
    [province, userId, except ?? null],
  )
  return rowCount ?? 0
}

// ——— API tokens ———

export interface TokenRow {
  id: string
  user_id: string
  username: string
  label: string | null
  units: string[] | null
  read_only: boolean
  created_at: Date
  expires_at: Date
  revoked_at: Date | null
  last_used_at: Date | null
}

export async function insertToken(
  db: Queryable,
  t: {
    province: string
    id: string
    userId: string
    hash: string
    label: string | null
    units: string[] | null
    readOnly: boolean
    expiresAt: Date
  },
) {
  await db.query(
    `INSERT INTO api_token (province_code, id, user_id, token_hash, label, units, read_only, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [t.province, t.id, t.userId, t.hash, t.label, t.units, t.readOnly, t.expiresAt],
  )
}

/** The token's user with the token's narrowing, when the token is live and its user enabled (last use written at most once a minute). */
export async function liveToken(
  db: Queryable,
  hash: string,
): Promise<
  (Omit<UserRow, 'password_hash' | 'totp_secret'> & { province_code: string; token_units: string[] | null; read_only: boolean }) | undefined
> {
  const { rows } = await db.query({
    name: 'coso.access.token',
    text: `WITH t AS (
       SELECT u.province_code, u.id, u.username, u.role, u.must_change_password, u.totp_enabled, u.disabled_at, u.failed_logins,
              u.last_failed_at, u.locked_until, u.created_at, t.units AS token_units, t.read_only, t.id AS token_id, t.last_used_at,
              COALESCE((SELECT array_agg(s.unit_code || ':' || s.era ORDER BY s.unit_code, s.era) FROM user_scope s
                         WHERE s.province_code = u.province_code AND s.user_id = u.id), '{}') AS units
         FROM api_token t JOIN app_user u ON u.province_code = t.province_code AND u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.disabled_at IS NULL),
     touch AS (
       UPDATE api_token SET last_used_at = now() FROM t
        WHERE api_token.province_code = t.province_code AND api_token.id = t.token_id
          AND (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute'))
     SELECT * FROM t`,
    values: [hash],
  })
  return rows[0]
}

export async function tokens(db: Queryable, province: string, userId?: string): Promise<TokenRow[]> {
  const { rows } = await db.query(
    `SELECT t.id, t.user_id, u.username, t.label, t.units, t.read_only, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
       FROM api_token t JOIN app_user u ON u.province_code = t.province_code AND u.id = t.user_id
      WHERE t.province_code = $1 AND ($2::uuid IS NULL OR t.user_id = $2)
      ORDER BY t.created_at, t.id`,
    [province, userId ?? null],
  )
  return rows
}

export async function revokeToken(db: Queryable, province: string, id: string, userId?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE api_token SET revoked_at = now() WHERE province_code = $1 AND id = $2 AND ($3::uuid IS NULL OR user_id = $3) AND revoked_at IS NULL`,
    [province, id, userId ?? null],
  )
  return (rowCount ?? 0) > 0
}

// ——— audit ———

export interface NewAuditEntry {
  id: string
  actor: string
  actor_id: string | null
  action: string
  outcome: 'ok' | 'denied' | 'not-found' | 'failed'
  person_id: string | null
  target: string | null
  details: Record<string, unknown>
  address: string | null
  request_id: string | null
}

export async function insertAudit(db: Queryable, province: string, e: NewAuditEntry) {
  await db.query({
    name: 'coso.audit.insert',
    text: `INSERT INTO audit_entry (province_code, id, actor, actor_id, action, outcome, person_id, target, details, address, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    values: [province, e.id, e.actor, e.actor_id, e.action, e.outcome, e.person_id, e.target, e.details, e.address, e.request_id],
  })
}

const CHAIN_SELECT = `id, chain_no::int AS chain_no, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us, actor, actor_id, action, outcome,
  person_id, target, details, address, request_id`

/** Entries not sealed yet, oldest first (uuidv7 ids are in time order). */
export async function unsealed(db: Queryable, province: string, limit: number): Promise<Omit<ChainEntry, 'chain_no'>[]> {
  const { rows } = await db.query(
    `SELECT ${CHAIN_SELECT.replace('chain_no::int AS chain_no, ', '')} FROM audit_entry WHERE province_code = $1 AND chain_no IS NULL ORDER BY id LIMIT $2`,
    [province, limit],
  )
  return rows
}

export async function chainHead(db: Queryable, province: string): Promise<{ chain_no: number; hash: string } | undefined> {
  const { rows } = await db.query(
    `SELECT chain_no::int AS chain_no, hash FROM audit_entry WHERE province_code = $1 AND chain_no IS NOT NULL ORDER BY chain_no DESC LIMIT 1`,
    [province],
  )
  return rows[0]
}

export async function lastArchive(db: Queryable, province: string): Promise<{ chain_no: number; hash: string } | undefined> {
  const { rows } = await db.query(
    `SELECT chain_no::int AS chain_no, hash FROM audit_archive WHERE province_code = $1 ORDER BY chain_no DESC LIMIT 1`,
    [province],
  )
  return rows[0]
}

export async function seal(db: Queryable, province: string, entries: { id: string; chain_no: number; hash: string }[]) {
  await db.query(
    `UPDATE audit_entry a SET chain_no = s.chain_no, hash = s.hash
       FROM unnest($2::uuid[], $3::bigint[], $4::text[]) AS s(id, chain_no, hash)
      WHERE a.province_code = $1 AND a.id = s.id`,
    [province, entries.map((e) => e.id), entries.map((e) => e.chain_no), entries.map((e) => e.hash)],
  )
}

export async function sealedPage(
  db: Queryable,
  province: string,
  after: number,
  limit: number,
): Promise<(ChainEntry & { hash: string })[]> {
  const { rows } = await db.query(
    `SELECT ${CHAIN_SELECT}, hash FROM audit_entry WHERE province_code = $1 AND chain_no > $2 ORDER BY chain_no LIMIT $3`,
    [province, after, limit],
  )
  return rows
}

export async function unsealedCount(db: Queryable, province: string): Promise<number> {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE province_code = $1 AND chain_no IS NULL`, [province])
  return rows[0].n
}

export async function insertArchive(db: Queryable, province: string, a: { chain_no: number; hash: string; file: string; entries: number }) {
  await db.query(`INSERT INTO audit_archive (province_code, chain_no, hash, file, entries) VALUES ($1, $2, $3, $4, $5)`, [
    province,
    a.chain_no,
    a.hash,
    a.file,
    a.entries,
  ])
}

export async function deleteArchived(db: Queryable, province: string, upTo: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM audit_entry WHERE province_code = $1 AND chain_no <= $2`, [province, upTo])
  return rowCount ?? 0
}

export interface AuditFilter {
  person_id?: string | undefined
  actor?: string | undefined
  action?: string | undefined
  /** Days (YYYY-MM-DD, UTC midnight): entries from `since`, before `until`. */
  since?: string | undefined
  until?: string | undefined
  after?: string | undefined
  limit: number
}

export interface AuditRow {
  id: string
  at: Date
  actor: string
  action: string
  outcome: string
  person_id: string | null
  target: string | null
  details: Record<string, unknown>
  address: string | null
  request_id: string | null
  chain_no: number | null
}

export async function auditEntries(db: Queryable, province: string, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await db.query(
    `SELECT id, at, actor, action, outcome, person_id, target, details, address, request_id, chain_no::int AS chain_no
       FROM audit_entry
      WHERE province_code = $1
        AND ($2::uuid IS NULL OR person_id = $2)
        AND ($3::text IS NULL OR actor = $3)
        AND ($4::text IS NULL OR action = $4)
        AND ($5::uuid IS NULL OR id >= $5)
        AND ($6::uuid IS NULL OR id < $6)
        AND ($7::uuid IS NULL OR id > $7)
      ORDER BY id LIMIT $8`,
    [
      province,
      f.person_id ?? null,
      f.actor ?? null,
      f.action ?? null,
      f.since ? uuidv7Floor(Date.parse(f.since)) : null,
      f.until ? uuidv7Floor(Date.parse(f.until)) : null,
      f.after ?? null,
      f.limit,
    ],
  )
  return rows
}
