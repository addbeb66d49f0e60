// The SQL of batches (table id_batch of migration 20261127T1900): writing one, listing them, the
// applications one carried (its steps in id_application_step carry its id), and locking the
// applications a batch is about to step.
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
