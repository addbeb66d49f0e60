// All of the identity-card applications' SQL (tables of migration 20261127T1900): applications,
// their steps, the card a produced application issues, and the reads of them.
import type { Queryable } from '../platform/db.ts'
import type { ApplicationKind, State } from './applications.ts'

export interface ApplicationRow {
  id: string
  no: number
  person_id: string
  personal_id: string
  name_display: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  kind: ApplicationKind
  reason: string | null
  state: State
  biometrics: boolean
  unit_code: string
  era: number
  session_id: string | null
  received_on: string
  received_by: string
  complete_on: string | null
  due_on: string | null
  due_provisional: boolean
  state_at: string
  arrived_on: string | null
  handed_over_on: string | null
  receiver: string | null
  version: number
}

const COLUMNS = `a.id, a.no::int AS no, a.person_id, a.personal_id, p.name_display, p.birth_year, p.birth_month, p.birth_day,
  a.kind, a.reason, a.state, a.biometrics, a.unit_code, a.era, a.session_id, a.received_on::text AS received_on, a.received_by,
  a.complete_on::text AS complete_on, a.due_on::text AS due_on, a.due_provisional,
  to_char(a.state_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS state_at,
  a.arrived_on::text AS arrived_on, a.handed_over_on::text AS handed_over_on, a.receiver, a.version`

const FROM = `FROM id_application a JOIN person p ON p.province_code = a.province_code AND p.id = a.person_id`

/** A commune user's units, as `CODE:ERA` (null: the whole province). */
const IN_SCOPE = (param: string) => `(${param}::text[] IS NULL OR a.unit_code || ':' || a.era = ANY(${param}::text[]))`

/** The open states: the card is not yet in the holder's hands. */
export const OPEN_STATES: readonly State[] = [
  'received',
  'biometrics_captured',
  'sent_for_production',
  'produced',
  'arrived',
  'returned_for_correction',
]
/** The states in which the card is owed by its due day (not yet at the commune). */
export const OWED_STATES: readonly State[] = [
  'received',
  'biometrics_captured',
  'sent_for_production',
  'produced',
  'returned_for_correction',
]

export interface Applicant {
  id: string
  name_display: string
  personal_id: string | null
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  died_on: string | null
}

export async function applicant(db: Queryable, province: string, personId: string): Promise<Applicant | undefined> {
  const { rows } = await db.query<Applicant>(
    `SELECT id, name_display, personal_id, birth_year, birth_month, birth_day, died_on::text AS died_on
       FROM person WHERE province_code = $1 AND id = $2`,
    [province, personId],
  )
  return rows[0]
}

/** The card in force: the one issued last. */
export async function cardInForce(
  db: Queryable,
  province: string,
  personId: string,
): Promise<{ issued_on: string; expires_on: string | null } | undefined> {
  const { rows } = await db.query<{ issued_on: string; expires_on: string | null }>(
    `SELECT issued_on::text AS issued_on, expires_on::text AS expires_on FROM id_card
      WHERE province_code = $1 AND person_id = $2 ORDER BY issued_on DESC LIMIT 1`,
    [province, personId],
  )
  return rows[0]
}

/** Where a person lives today (stay), for the unit that receives the application by default. */
export async function stayToday(
  db: Queryable,
  province: string,
  personId: string,
  day: string,
): Promise<{ unit_code: string; era: number; placed: string | null } | undefined> {
  const { rows } = await db.query<{ unit_code: string; era: number; placed: string | null }>(
    `SELECT s.unit_code, s.era, sp.unit_code AS placed
       FROM stay s
       LEFT JOIN split_placement sp ON sp.province_code = s.province_code AND sp.subject_id = COALESCE(s.household_id, s.person_id)
            AND sp.old_code = s.unit_code AND s.era = 2024
      WHERE s.province_code = $1 AND s.person_id = $2 AND s.valid_from <= $3 AND s.valid_to > $3
      LIMIT 1`,
    [province, personId, day],
  )
  return rows[0]
}

export interface NewApplication {
  id: string
  person_id: string
  personal_id: string
  kind: ApplicationKind
  reason: string | null
  state: State
  biometrics: boolean
  unit_code: string
  era: number
  session_id: string | null
  received_on: string
  received_by: string
  at: string
  complete_on: string | null
  due_on: string | null
  due_provisional: boolean
}

/** Inserts an application and its reception step; false when the person already has an open one. */
export async function insertApplication(db: Queryable, province: string, a: NewApplication): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO id_application (province_code, id, no, person_id, personal_id, kind, reason, state, biometrics, unit_code, era, session_id,
            received_on, received_by, complete_on, due_on, due_provisional, state_at)
     VALUES ($1, $2, nextval('id_application_no'), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (province_code, person_id) WHERE state NOT IN ('handed_over', 'cancelled') DO NOTHING`,
    [
      province,
      a.id,
      a.person_id,
      a.personal_id,
      a.kind,
      a.reason,
      a.state,
      a.biometrics,
      a.unit_code,
      a.era,
      a.session_id,
      a.received_on,
      a.received_by,
      a.complete_on,
      a.due_on,
      a.due_provisional,
      a.at,
    ],
  )
  if (rowCount === 0) return false
  await insertStep(db, province, {
    application_id: a.id,
    from_state: null,
    to_state: a.state,
    at: a.at,
    since: null,
    officer: a.received_by,
    unit_code: a.unit_code,
    reason: null,
    receiver: null,
    batch_id: null,
    session_id: a.session_id,
  })
  return true
}

export interface NewStep {
  application_id: string
  from_state: State | null
  to_state: State
  at: string
  since: string | null
  officer: string
  unit_code: string
  reason: string | null
  receiver: string | null
  batch_id: string | null
  session_id: string | null
}

export async function insertStep(db: Queryable, province: string, s: NewStep): Promise<void> {
  await db.query(
    `INSERT INTO id_application_step (province_code, application_id, seq, from_state, to_state, at, since, officer, unit_code, reason, receiver,
            batch_id, session_id)
     SELECT $1, $2, COALESCE(max(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
       FROM id_application_step WHERE province_code = $1 AND application_id = $2`,
    [
      province,
      s.application_id,
      s.from_state,
      s.to_state,
      s.at,
      s.since,
      s.officer,
      s.unit_code,
      s.reason,
      s.receiver,
      s.batch_id,
      s.session_id,
    ],
  )
}

/** The application, locked for a step when `lock`; scoped to the caller's units. */
export async function application(
  db: Queryable,
  province: string,
  id: string,
  scope: string[] | null,
  lock = false,
): Promise<ApplicationRow | undefined> {
  const { rows } = await db.query<ApplicationRow>(
    `SELECT ${COLUMNS} ${FROM} WHERE a.province_code = $1 AND a.id = $2 AND ${IN_SCOPE('$3')}${lock ? ' FOR UPDATE OF a' : ''}`,
    [province, id, scope],
  )
  return rows[0]
}

/**
 * The applications a list of scanned or typed references names: a slip number (CC02), or a
 * personal ID number (its open application, else its latest). Unknown references are left out.
 */
export async function byReferences(
  db: Queryable,
  province: string,
  refs: { numbers: string[]; nos: number[] },
  scope: string[] | null,
): Promise<(ApplicationRow & { ref: string })[]> {
  const { rows } = await db.query<ApplicationRow & { ref: string }>(
    `SELECT DISTINCT ON (ref) ref, ${COLUMNS}
       FROM (SELECT a.*, a.personal_id AS ref FROM id_application a WHERE a.province_code = $1 AND a.personal_id = ANY($2::text[])
             UNION ALL
             SELECT a.*, a.no::text AS ref FROM id_application a WHERE a.province_code = $1 AND a.no = ANY($3::bigint[])) a
       JOIN person p ON p.province_code = a.province_code AND p.id = a.person_id
      WHERE ${IN_SCOPE('$4')}
      ORDER BY ref, a.state IN ('handed_over', 'cancelled'), a.received_on DESC, a.no DESC`,
    [province, refs.numbers, refs.nos, scope],
  )
  return rows
}

export interface StepRow {
  seq: number
  from_state: State | null
  to_state: State
  at: string
  officer: string
  reason: string | null
  receiver: string | null
  batch_id: string | null
  session_id: string | null
}

export async function steps(db: Queryable, province: string, id: string): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    `SELECT seq, from_state, to_state, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, officer, reason, receiver,
            batch_id, session_id
       FROM id_application_step WHERE province_code = $1 AND application_id = $2 ORDER BY seq`,
    [province, id],
  )
  return rows
}

/** The day (Vietnam's) each step was taken, for the day a file became complete. */
export function stepDay(at: string): string {
  return new Date(Date.parse(at) + 7 * 3600_000).toISOString().slice(0, 10)
}

export interface StateChange {
  state: State
  at: string
  complete_on: string | null
  due_on: string | null
  due_provisional: boolean
  arrived_on?: string | null
  handed_over_on?: string | null
  receiver?: string | null
}

export async function updateState(db: Queryable, province: string, id: string, c: StateChange): Promise<void> {
  await db.query(
    `UPDATE id_application SET state = $3, state_at = $4, complete_on = $5, due_on = $6, due_provisional = $7,
            arrived_on = COALESCE($8, arrived_on), handed_over_on = COALESCE($9, handed_over_on), receiver = COALESCE($10, receiver),
            version = version + 1
      WHERE province_code = $1 AND id = $2`,
    [
      province,
      id,
      c.state,
      c.at,
      c.complete_on,
      c.due_on,
      c.due_provisional,
      c.arrived_on ?? null,
      c.handed_over_on ?? null,
      c.receiver ?? null,
    ],
  )
}

export async function issueCard(
  db: Queryable,
  province: string,
  card: {
    person_id: string
    issued_on: string
    expires_on: string | null
    personal_id: string
    application_id: string
    recorded_by: string
  },
): Promise<void> {
  await db.query(
    `INSERT INTO id_card (province_code, person_id, issued_on, expires_on, personal_id, application_id, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (province_code, person_id, issued_on)
     DO UPDATE SET expires_on = EXCLUDED.expires_on, personal_id = EXCLUDED.personal_id, application_id = EXCLUDED.application_id`,
    [province, card.person_id, card.issued_on, card.expires_on, card.personal_id, card.application_id, card.recorded_by],
  )
}

export interface ListFilter {
  unit?: string | undefined
  state?: State | undefined
  /** Open applications whose card is owed past its due day (before `today`). */
  overdue?: string | undefined
  session?: string | undefined
  person?: string | undefined
  /** Keyset: the last row's (received_on, no) of the previous page — (due_on, no) for overdue lists. */
  after?: { day: string; no: number } | undefined
  limit: number
}

/** Applications newest first (by reception day, then slip number), one page. */
export async function applications(db: Queryable, province: string, f: ListFilter, scope: string[] | null): Promise<ApplicationRow[]> {
  const where = [`a.province_code = $1`, IN_SCOPE('$2')]
  const params: unknown[] = [province, scope]
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value)
    where.push(clause(`$${params.length}`))
  }
  if (f.unit) add((p) => `a.unit_code = ${p}`, f.unit)
  if (f.state) add((p) => `a.state = ${p}`, f.state)
  if (f.session) add((p) => `a.session_id = ${p}`, f.session)
  if (f.person) add((p) => `a.person_id = ${p}`, f.person)
  if (f.overdue) {
    add((p) => `a.due_on < ${p}`, f.overdue)
    add((p) => `a.state = ANY(${p}::text[])`, OWED_STATES)
  }
  if (f.after) {
    params.push(f.after.day, f.after.no)
    const key = `($${params.length - 1}::date, $${params.length}::bigint)`
    where.push(f.overdue ? `(a.due_on, a.no) > ${key}` : `(a.received_on, a.no) < ${key}`)
  }
  params.push(f.limit)
  const order = f.overdue ? 'a.due_on, a.no' : 'a.received_on DESC, a.no DESC'
  const { rows } = await db.query<ApplicationRow>(
    `SELECT ${COLUMNS} ${FROM} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`,
    params,
  )
  return rows
}
