// The SQL of batches (table id_batch of migration 20261127T1900): writing one, listing them, the
// applications one carried (its steps in id_application_step carry its id); locking the
// applications a batch is about to step, and stepping them — steps, states, cards — a statement
// each for the whole batch.
import type { Queryable } from '../platform/db.ts'
import type { State } from './applications.ts'

export interface BatchRow {
  id: string
  kind: 'send' | 'receive' | 'hand_over'
  /** The commune of its applications when they are all of one, else null. */
  unit_code: string | null
  note: string | null
  /** How many applications it took. */
  applications: number
  created_by: string
  created_at: string
}

const COLUMNS = `b.id, b.kind, b.unit_code, b.note, b.applications, b.created_by,
  to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`

/** The applications a batch stepped, in the caller's units (`CODE:ERA`; null: the province). */
const CARRIES = (batch: string, scope: string, unit?: string) =>
  `EXISTS (SELECT 1 FROM id_application_step s
             JOIN id_application a ON a.province_code = s.province_code AND a.id = s.application_id
            WHERE s.province_code = ${batch}.province_code AND s.batch_id = ${batch}.id
              AND (${scope}::text[] IS NULL OR a.unit_code || ':' || a.era = ANY(${scope}::text[]))${unit ? ` AND a.unit_code = ${unit}` : ''})`

/** Locks the applications, in id order so that two batches never wait on each other in a circle. */
export async function lockApplications(db: Queryable, province: string, ids: string[]): Promise<{ id: string; version: number }[]> {
  if (ids.length === 0) return []
  const { rows } = await db.query<{ id: string; version: number }>(
    `SELECT id, version FROM id_application WHERE province_code = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
    [province, ids],
  )
  return rows
}

/** A step a batch takes of one application (its officer, batch and receiver are the batch's). */
export interface BatchStep {
  application_id: string
  from_state: State
  to_state: State
  since: string
  unit_code: string
}

/**
 * The batch's steps, all in one statement: each numbered after its application's last step (k:
 * its place among the batch's steps of that application), at the batch's moment.
 */
export async function insertSteps(
  db: Queryable,
  province: string,
  b: { batch_id: string; at: string; officer: string; receiver: string | null },
  steps: readonly BatchStep[],
): Promise<void> {
  const k = new Map<string, number>()
  const ks = steps.map((s) => {
    const n = (k.get(s.application_id) ?? 0) + 1
    k.set(s.application_id, n)
    return n
  })
  await db.query(
    `INSERT INTO id_application_step (province_code, application_id, seq, from_state, to_state, at, since, officer, unit_code, receiver, batch_id)
     SELECT $1, u.application_id, last.seq + u.k, u.from_state, u.to_state, $2, u.since, $3, u.unit_code,
            CASE WHEN u.to_state = 'handed_over' THEN $4 END, $5
       FROM unnest($6::uuid[], $7::int[], $8::text[], $9::text[], $10::timestamptz[], $11::text[])
            AS u(application_id, k, from_state, to_state, since, unit_code)
      CROSS JOIN LATERAL (SELECT COALESCE(max(s.seq), 0) AS seq FROM id_application_step s
                           WHERE s.province_code = $1 AND s.application_id = u.application_id) last`,
    [
      province,
      b.at,
      b.officer,
      b.receiver,
      b.batch_id,
      steps.map((s) => s.application_id),
      ks,
      steps.map((s) => s.from_state),
      steps.map((s) => s.to_state),
      steps.map((s) => s.since),
      steps.map((s) => s.unit_code),
    ],
  )
}

/** Where a batch leaves an application: its state, the day it arrived or was handed over (and to whom). */
export interface BatchChange {
  id: string
  state: State
  /** How many steps the batch took of it (the version counts steps). */
  steps: number
  arrived_on: string | null
  handed_over_on: string | null
  receiver: string | null
}

/** The applications' new states in one statement; their deadlines are not the batch's to change. */
export async function updateStates(db: Queryable, province: string, at: string, changes: readonly BatchChange[]): Promise<void> {
  await db.query(
    `UPDATE id_application a
        SET state = u.state, state_at = $2, arrived_on = COALESCE(u.arrived_on, a.arrived_on),
            handed_over_on = COALESCE(u.handed_over_on, a.handed_over_on), receiver = COALESCE(u.receiver, a.receiver),
            version = a.version + u.steps
       FROM unnest($3::uuid[], $4::text[], $5::int[], $6::date[], $7::date[], $8::text[])
            AS u(id, state, steps, arrived_on, handed_over_on, receiver)
      WHERE a.province_code = $1 AND a.id = u.id`,
    [
      province,
      at,
      changes.map((c) => c.id),
      changes.map((c) => c.state),
      changes.map((c) => c.steps),
      changes.map((c) => c.arrived_on),
      changes.map((c) => c.handed_over_on),
      changes.map((c) => c.receiver),
    ],
  )
}

export interface NewCard {
  person_id: string
  issued_on: string
  expires_on: string | null
  personal_id: string
  application_id: string
}

/** The cards a batch's productions issue, in one statement (as queries.issueCard does one). */
export async function issueCards(db: Queryable, province: string, recordedBy: string, cards: readonly NewCard[]): Promise<void> {
  if (cards.length === 0) return
  await db.query(
    `INSERT INTO id_card (province_code, person_id, issued_on, expires_on, personal_id, application_id, recorded_by)
     SELECT $1, u.person_id, u.issued_on, u.expires_on, u.personal_id, u.application_id, $2
       FROM unnest($3::uuid[], $4::date[], $5::date[], $6::text[], $7::uuid[]) AS u(person_id, issued_on, expires_on, personal_id, application_id)
     ON CONFLICT (province_code, person_id, issued_on)
     DO UPDATE SET expires_on = EXCLUDED.expires_on, personal_id = EXCLUDED.personal_id, application_id = EXCLUDED.application_id`,
    [
      province,
      recordedBy,
      cards.map((c) => c.person_id),
      cards.map((c) => c.issued_on),
      cards.map((c) => c.expires_on),
      cards.map((c) => c.personal_id),
      cards.map((c) => c.application_id),
    ],
  )
}

export async function insertBatch(db: Queryable, province: string, b: Omit<BatchRow, 'created_at'>): Promise<BatchRow> {
  const { rows } = await db.query<BatchRow>(
    `INSERT INTO id_batch AS b (province_code, id, kind, unit_code, note, applications, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [province, b.id, b.kind, b.unit_code, b.note, b.applications, b.created_by],
  )
  return rows[0] as BatchRow
}

export async function batch(db: Queryable, province: string, id: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(`SELECT ${COLUMNS} FROM id_batch b WHERE b.province_code = $1 AND b.id = $2`, [province, id])
  return rows[0]
}

export interface BatchFilter {
  /** Batches that carried an application of this commune. */
  unit?: string | undefined
  kind?: string | undefined
  /** Keyset: the last id of the previous page (ids are time-ordered, uuidv7). */
  after?: string | undefined
  limit: number
}

/** Batches newest first that carried an application within the scope. */
export async function batches(db: Queryable, province: string, f: BatchFilter, scope: string[] | null): Promise<BatchRow[]> {
  const params: unknown[] = [province]
  const where = ['b.province_code = $1']
  const add = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (f.kind) where.push(`b.kind = ${add(f.kind)}`)
  if (f.after) where.push(`b.id < ${add(f.after)}::uuid`)
  if (scope !== null || f.unit) where.push(CARRIES('b', add(scope), f.unit ? add(f.unit) : undefined))
  const { rows } = await db.query<BatchRow>(
    `SELECT ${COLUMNS} FROM id_batch b WHERE ${where.join(' AND ')} ORDER BY b.id DESC LIMIT ${add(f.limit)}`,
    params,
  )
  return rows
}

export interface BatchApplication {
  application_id: string
  no: number
  personal_id: string
  name_display: string
  unit_code: string
  /** Its state now. */
  state: State
  /** The steps the batch took of it. */
  steps: State[]
  at: string
}

/** The applications a batch stepped, in the order taken; within the scope. */
export async function batchApplications(db: Queryable, province: string, id: string, scope: string[] | null): Promise<BatchApplication[]> {
  const { rows } = await db.query<BatchApplication>(
    `SELECT a.id AS application_id, a.no::int AS no, a.personal_id, p.name_display, a.unit_code, a.state,
            array_agg(s.to_state ORDER BY s.seq) AS steps,
            to_char(min(s.at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
       FROM id_application_step s
       JOIN id_application a ON a.province_code = s.province_code AND a.id = s.application_id
       JOIN person p ON p.province_code = a.province_code AND p.id = a.person_id
      WHERE s.province_code = $1 AND s.batch_id = $2
        AND ($3::text[] IS NULL OR a.unit_code || ':' || a.era = ANY($3::text[]))
      GROUP BY a.id, a.no, a.personal_id, p.name_display, a.unit_code, a.state
      ORDER BY min(s.at), a.no`,
    [province, id, scope],
  )
  return rows
}
