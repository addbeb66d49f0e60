// All of the mobile sessions' SQL (tables of migrations 20261127T1900 and T1950): sessions, their
// officers' shifts, their queue of tickets, and the application steps their throughput counts.
import type { Queryable } from '../platform/db.ts'

/** A timestamp as an ISO string in UTC, the way the applications' steps are read. */
const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** A commune user's units, as `CODE:ERA` (null: the whole province). */
const IN_SCOPE = (param: string) => `(${param}::text[] IS NULL OR s.unit_code || ':' || s.era = ANY(${param}::text[]))`

export type SessionStatus = 'open' | 'closed'
export type TicketStatus = 'waiting' | 'served' | 'left'

export interface SessionRow {
  id: string
  unit_code: string
  era: number
  place: string
  held_on: string
  status: SessionStatus
  note: string | null
  created_by: string
  created_at: string
  closed_at: string | null
  closed_by: string | null
  close_reason: string | null
}

const SESSION_COLUMNS = `s.id, s.unit_code, s.era, s.place, s.held_on::text AS held_on, s.status, s.note, s.created_by,
  ${ISO('s.created_at')} AS created_at, ${ISO('s.closed_at')} AS closed_at, s.closed_by, s.close_reason`

export interface NewSession {
  id: string
  unit_code: string
  place: string
  held_on: string
  note: string | null
  created_by: string
}

export async function insertSession(db: Queryable, province: string, s: NewSession): Promise<void> {
  await db.query(
    `INSERT INTO id_session (province_code, id, unit_code, era, place, held_on, note, created_by)
     VALUES ($1, $2, $3, 2025, $4, $5, $6, $7)`,
    [province, s.id, s.unit_code, s.place, s.held_on, s.note, s.created_by],
  )
}

/** A session the caller's scope reaches, locked for a write when `lock` (every change to its queue or shifts takes it first). */
export async function session(
  db: Queryable,
  province: string,
  id: string,
  scope: string[] | null,
  lock = false,
): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM id_session s WHERE s.province_code = $1 AND s.id = $2 AND ${IN_SCOPE('$3')}${lock ? ' FOR UPDATE' : ''}`,
    [province, id, scope],
  )
  return rows[0]
}

export interface SessionCounts {
  waiting: number
  called: number
  served: number
  left: number
  applications: number
}

export interface SessionListRow extends SessionRow, SessionCounts {}

export interface SessionFilter {
  unit?: string | undefined
  from?: string | undefined
  to?: string | undefined
  status?: SessionStatus | undefined
  /** Keyset: the previous page's last (held_on, id). */
  after?: { day: string; id: string } | undefined
  limit: number
}

/** Sessions, the latest day first, with their queue's counts and applications received. */
export async function sessions(db: Queryable, province: string, f: SessionFilter, scope: string[] | null): Promise<SessionListRow[]> {
  const where = ['s.province_code = $1', IN_SCOPE('$2')]
  const params: unknown[] = [province, scope]
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value)
    where.push(clause(`$${params.length}`))
  }
  if (f.unit) add((p) => `s.unit_code = ${p}`, f.unit)
  if (f.from) add((p) => `s.held_on >= ${p}::date`, f.from)
  if (f.to) add((p) => `s.held_on <= ${p}::date`, f.to)
  if (f.status) add((p) => `s.status = ${p}`, f.status)
  if (f.after) {
    params.push(f.after.day, f.after.id)
    where.push(`(s.held_on, s.id) < ($${params.length - 1}::date, $${params.length}::uuid)`)
  }
  params.push(f.limit)
  const { rows } = await db.query<SessionListRow>(
    `SELECT ${SESSION_COLUMNS}, c.waiting, c.called, c.served, c."left", a.applications
       FROM id_session s
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE t.status = 'waiting' AND t.called_at IS NULL)::int AS waiting,
                count(*) FILTER (WHERE t.status = 'waiting' AND t.called_at IS NOT NULL)::int AS called,
                count(*) FILTER (WHERE t.status = 'served')::int AS served,
                count(*) FILTER (WHERE t.status = 'left')::int AS "left"
           FROM id_session_ticket t WHERE t.province_code = s.province_code AND t.session_id = s.id) c
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS applications FROM id_application ap
          WHERE ap.province_code = s.province_code AND ap.session_id = s.id) a
      WHERE ${where.join(' AND ')}
      ORDER BY s.held_on DESC, s.id DESC
      LIMIT $${params.length}`,
    params,
  )
  return rows
}

export async function applicationCount(db: Queryable, province: string, sessionId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM id_application WHERE province_code = $1 AND session_id = $2',
    [province, sessionId],
  )
  return rows[0]?.n ?? 0
}

export async function closeSession(
  db: Queryable,
  province: string,
  id: string,
  c: { at: string; by: string; reason: string | null },
): Promise<void> {
  await db.query(
    `UPDATE id_session SET status = 'closed', closed_at = $3, closed_by = $4, close_reason = $5 WHERE province_code = $1 AND id = $2`,
    [province, id, c.at, c.by, c.reason],
  )
}

export async function reopenSession(db: Queryable, province: string, id: string): Promise<void> {
  await db.query(
    `UPDATE id_session SET status = 'open', closed_at = NULL, closed_by = NULL, close_reason = NULL WHERE province_code = $1 AND id = $2`,
    [province, id],
  )
}

// ——— shifts ———

export interface ShiftRow {
  seq: number
  officer: string
  starts_at: string
  ends_at: string | null
}

const SHIFT_COLUMNS = `seq, officer, ${ISO('starts_at')} AS starts_at, ${ISO('ends_at')} AS ends_at`

export async function shifts(db: Queryable, province: string, sessionId: string): Promise<ShiftRow[]> {
  const { rows } = await db.query<ShiftRow>(
    `SELECT ${SHIFT_COLUMNS} FROM id_session_shift WHERE province_code = $1 AND session_id = $2 ORDER BY starts_at, seq`,
    [province, sessionId],
  )
  return rows
}

export async function shift(db: Queryable, province: string, sessionId: string, seq: number): Promise<ShiftRow | undefined> {
  const { rows } = await db.query<ShiftRow>(
    `SELECT ${SHIFT_COLUMNS} FROM id_session_shift WHERE province_code = $1 AND session_id = $2 AND seq = $3`,
    [province, sessionId, seq],
  )
  return rows[0]
}

/**
 * Serialises the shifts of one officer across sessions (two desks may start a shift for the same
 * officer at once), until the transaction ends.
 */
export async function lockOfficer(db: Queryable, province: string, officer: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('coso.id.shift.' || $1 || '.' || lower($2)))`, [province, officer])
}

/**
 * A shift of the officer (the username as app_user spells it, as shifts record it), in any
 * session, overlapping [from, to) — `to` null: still running; `except` a shift itself.
 */
export async function overlappingShift(
  db: Queryable,
  province: string,
  officer: string,
  from: string,
  to: string | null,
  except?: { session_id: string; seq: number },
): Promise<(ShiftRow & { session_id: string; place: string }) | undefined> {
  const { rows } = await db.query<ShiftRow & { session_id: string; place: string }>(
    `SELECT h.seq, h.officer, ${ISO('h.starts_at')} AS starts_at, ${ISO('h.ends_at')} AS ends_at, h.session_id, s.place
       FROM id_session_shift h JOIN id_session s ON s.province_code = h.province_code AND s.id = h.session_id
      WHERE h.province_code = $1 AND h.officer = $2
        AND ($4::timestamptz IS NULL OR h.starts_at < $4::timestamptz)
        AND (h.ends_at IS NULL OR h.ends_at > $3::timestamptz)
        AND NOT (h.session_id IS NOT DISTINCT FROM $5::uuid AND h.seq IS NOT DISTINCT FROM $6::int)
      ORDER BY h.starts_at LIMIT 1`,
    [province, officer, from, to, except?.session_id ?? null, except?.seq ?? null],
  )
  return rows[0]
}

export async function insertShift(
  db: Queryable,
  province: string,
  sessionId: string,
  s: { officer: string; starts_at: string; ends_at: string | null },
): Promise<number> {
  const { rows } = await db.query<{ seq: number }>(
    `INSERT INTO id_session_shift (province_code, session_id, seq, officer, starts_at, ends_at)
     SELECT $1, $2, COALESCE(max(seq), 0) + 1, $3, $4, $5 FROM id_session_shift WHERE province_code = $1 AND session_id = $2
     RETURNING seq`,
    [province, sessionId, s.officer, s.starts_at, s.ends_at],
  )
  return (rows[0] as { seq: number }).seq
}

export async function endShift(db: Queryable, province: string, sessionId: string, seq: number, at: string): Promise<void> {
  await db.query('UPDATE id_session_shift SET ends_at = $4 WHERE province_code = $1 AND session_id = $2 AND seq = $3', [
    province,
    sessionId,
    seq,
    at,
  ])
}

/** Ends the shifts still running when the session closes (at least a second after they began, as the table requires). */
export async function endRunningShifts(db: Queryable, province: string, sessionId: string, at: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE id_session_shift SET ends_at = GREATEST($3::timestamptz, starts_at + interval '1 second')
      WHERE province_code = $1 AND session_id = $2 AND ends_at IS NULL`,
    [province, sessionId, at],
  )
  return rowCount ?? 0
}

/** Whether a user may be put on a shift: enabled, their role and units (empty: province-wide). */
export async function officer(
  db: Queryable,
  province: string,
  username: string,
): Promise<{ username: string; role: string; units: string[] } | undefined> {
  const { rows } = await db.query<{ username: string; role: string; units: string[] }>(
    `SELECT u.username, u.role,
            COALESCE((SELECT array_agg(sc.unit_code || ':' || sc.era) FROM user_scope sc
                       WHERE sc.province_code = u.province_code AND sc.user_id = u.id), '{}') AS units
       FROM app_user u WHERE u.province_code = $1 AND lower(u.username) = lower($2) AND u.disabled_at IS NULL`,
    [province, username],
  )
  return rows[0]
}

// ——— the queue ———

export interface TicketRow {
  ticket: number
  person_id: string | null
  name: string
  status: TicketStatus
  arrived_at: string
  called_at: string | null
  called_by: string | null
  done_at: string | null
  done_by: string | null
  application_id: string | null
  application_no: number | null
}

const TICKET_COLUMNS = `t.ticket, t.person_id, t.name, t.status, ${ISO('t.arrived_at')} AS arrived_at, ${ISO('t.called_at')} AS called_at,
  t.called_by, ${ISO('t.done_at')} AS done_at, t.done_by, t.application_id, a.no::int AS application_no`

const TICKET_FROM = `FROM id_session_ticket t
  LEFT JOIN id_application a ON a.province_code = t.province_code AND a.id = t.application_id`

/** The queue in arrival order, or the tickets of one status. */
export async function tickets(db: Queryable, province: string, sessionId: string, status?: TicketStatus): Promise<TicketRow[]> {
  const { rows } = await db.query<TicketRow>(
    `SELECT ${TICKET_COLUMNS} ${TICKET_FROM}
      WHERE t.province_code = $1 AND t.session_id = $2 AND ($3::text IS NULL OR t.status = $3)
      ORDER BY t.ticket`,
    [province, sessionId, status ?? null],
  )
  return rows
}

export async function ticket(db: Queryable, province: string, sessionId: string, no: number): Promise<TicketRow | undefined> {
  const { rows } = await db.query<TicketRow>(
    `SELECT ${TICKET_COLUMNS} ${TICKET_FROM} WHERE t.province_code = $1 AND t.session_id = $2 AND t.ticket = $3`,
    [province, sessionId, no],
  )
  return rows[0]
}

/** The next number in arrival order (the session row is locked, so no two desks draw the same). */
export async function insertTicket(
  db: Queryable,
  province: string,
  sessionId: string,
  t: { person_id: string | null; name: string; at: string },
): Promise<number> {
  const { rows } = await db.query<{ ticket: number }>(
    `INSERT INTO id_session_ticket (province_code, session_id, ticket, person_id, name, arrived_at)
     SELECT $1, $2, COALESCE(max(ticket), 0) + 1, $3, $4, $5 FROM id_session_ticket WHERE province_code = $1 AND session_id = $2
     RETURNING ticket`,
    [province, sessionId, t.person_id, t.name, t.at],
  )
  return (rows[0] as { ticket: number }).ticket
}

/** The ticket of a person still waiting in the session, if any. */
export async function waitingTicketOf(db: Queryable, province: string, sessionId: string, personId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ ticket: number }>(
    `SELECT ticket FROM id_session_ticket WHERE province_code = $1 AND session_id = $2 AND person_id = $3 AND status = 'waiting' LIMIT 1`,
    [province, sessionId, personId],
  )
  return rows[0]?.ticket
}

/** The first ticket waiting and not yet called, called to the officer's desk; its number. */
export async function callNext(db: Queryable, province: string, sessionId: string, at: string, by: string): Promise<number | undefined> {
  const { rows } = await db.query<{ ticket: number }>(
    `UPDATE id_session_ticket SET called_at = $3, called_by = $4
      WHERE province_code = $1 AND session_id = $2
        AND ticket = (SELECT min(ticket) FROM id_session_ticket
                       WHERE province_code = $1 AND session_id = $2 AND status = 'waiting' AND called_at IS NULL)
      RETURNING ticket`,
    [province, sessionId, at, by],
  )
  return rows[0]?.ticket
}

export async function finishTicket(
  db: Queryable,
  province: string,
  sessionId: string,
  no: number,
  f: { status: 'served' | 'left'; at: string; by: string; application_id?: string | null; person_id?: string | null },
): Promise<void> {
  await db.query(
    `UPDATE id_session_ticket SET status = $4, done_at = $5, done_by = $6, application_id = $7, person_id = COALESCE($8, person_id)
      WHERE province_code = $1 AND session_id = $2 AND ticket = $3`,
    [province, sessionId, no, f.status, f.at, f.by, f.application_id ?? null, f.person_id ?? null],
  )
}

/** Everyone still waiting (called or not) leaves: the session closes before they were served. */
export async function leaveAll(db: Queryable, province: string, sessionId: string, at: string, by: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE id_session_ticket SET status = 'left', done_at = $3, done_by = $4
      WHERE province_code = $1 AND session_id = $2 AND status = 'waiting'`,
    [province, sessionId, at, by],
  )
  return rowCount ?? 0
}

/** The ticket an application already serves, in any session. */
export async function ticketOfApplication(
  db: Queryable,
  province: string,
  applicationId: string,
): Promise<{ session_id: string; ticket: number } | undefined> {
  const { rows } = await db.query<{ session_id: string; ticket: number }>(
    'SELECT session_id, ticket FROM id_session_ticket WHERE province_code = $1 AND application_id = $2 LIMIT 1',
    [province, applicationId],
  )
  return rows[0]
}

export async function sessionApplication(
  db: Queryable,
  province: string,
  applicationId: string,
): Promise<{ id: string; person_id: string; session_id: string | null } | undefined> {
  const { rows } = await db.query<{ id: string; person_id: string; session_id: string | null }>(
    'SELECT id, person_id, session_id FROM id_application WHERE province_code = $1 AND id = $2',
    [province, applicationId],
  )
  return rows[0]
}

export async function personName(db: Queryable, province: string, personId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ name_display: string }>('SELECT name_display FROM person WHERE province_code = $1 AND id = $2', [
    province,
    personId,
  ])
  return rows[0]?.name_display
}

// ——— throughput ———

export interface WorkStep {
  officer: string
  to_state: 'received' | 'biometrics_captured'
  at: string
}

/**
 * The work done in a session: receptions and biometric captures taken in it (their step names
 * the session), and captures of its applications taken without naming it (at the commune's own
 * route) between the start of the session's day and its close.
 */
export async function workSteps(
  db: Queryable,
  province: string,
  sessionId: string,
  from: string,
  until: string | null,
): Promise<WorkStep[]> {
  const { rows } = await db.query<WorkStep>(
    `SELECT st.officer, st.to_state, ${ISO('st.at')} AS at
       FROM id_application_step st
      WHERE st.province_code = $1 AND st.session_id = $2
        AND ((st.to_state = 'received' AND st.from_state IS NULL) OR st.to_state = 'biometrics_captured')
     UNION ALL
     SELECT st.officer, st.to_state, ${ISO('st.at')} AS at
       FROM id_application a
       JOIN id_application_step st ON st.province_code = a.province_code AND st.application_id = a.id
      WHERE a.province_code = $1 AND a.session_id = $2 AND st.session_id IS NULL AND st.to_state = 'biometrics_captured'
        AND st.at >= $3::timestamptz AND ($4::timestamptz IS NULL OR st.at <= $4::timestamptz)
     ORDER BY at`,
    [province, sessionId, from, until],
  )
  return rows
}
