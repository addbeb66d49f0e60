// All of intake's SQL: import batches, forms and their findings.
import type pg from 'pg'
import { type CopyValue, copyInto } from '../platform/copy.ts'
import type { Db, Queryable } from '../platform/db.ts'

export type Outcome = 'accepted' | 'accepted_with_warnings' | 'needs_correction' | 'duplicate' | 'conflict'
export const OUTCOMES: Outcome[] = ['accepted', 'accepted_with_warnings', 'needs_correction', 'duplicate', 'conflict']
export type FormState = Exclude<Outcome, 'duplicate'> | 'superseded' | 'withdrawn'

export interface BatchRow {
  province_code: string
  id: string
  source: string
  file_sha256: string
  file_size: number
  format: string
  encoding: string | null
  upload_path: string | null
  status: 'queued' | 'running' | 'done' | 'failed' | 'withdrawn'
  rows_done: number
  bytes_done: number
  outcomes: Record<string, number>
  rules: Record<string, number>
  error: unknown
  created_at: string
  started_at: string | null
  finished_at: string | null
  created_by: string | null
  /** The starter's units as `code:era`; null: the whole province. */
  scope: string[] | null
}

const BATCH_COLUMNS = `province_code, id, source, file_sha256, file_size::float8 AS file_size, format, encoding, upload_path, status, rows_done,
  bytes_done::float8 AS bytes_done, outcomes, rules, error, created_at, started_at, finished_at, created_by, scope`

export async function insertBatch(
  db: pg.Pool | pg.PoolClient,
  b: {
    province: string
    id: string
    source: string
    sha256: string
    size: number
    format: string
    encoding: string | null
    uploadPath: string | null
    createdBy: string | null
    scope: string[] | null
  },
): Promise<BatchRow> {
  const { rows } = await db.query<BatchRow>(
    `INSERT INTO import_batch (province_code, id, source, file_sha256, file_size, format, encoding, upload_path, status, created_by, scope)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $10) RETURNING ${BATCH_COLUMNS}`,
    [b.province, b.id, b.source, b.sha256, b.size, b.format, b.encoding, b.uploadPath, b.createdBy, b.scope],
  )
  return rows[0] as BatchRow
}

/** An interrupted import of the same file, to be resumed rather than started again. */
export async function unfinishedBatch(db: pg.Pool, province: string, sha256: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(
    `SELECT ${BATCH_COLUMNS} FROM import_batch
      WHERE province_code = $1 AND file_sha256 = $2 AND status IN ('queued', 'running', 'failed')
      ORDER BY created_at DESC LIMIT 1`,
    [province, sha256],
  )
  return rows[0]
}

/** Uploads whose import a stopped server left unfinished. */
export async function interruptedUploads(db: pg.Pool, province: string): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT ${BATCH_COLUMNS} FROM import_batch WHERE province_code = $1 AND status IN ('queued', 'running') AND upload_path IS NOT NULL ORDER BY id`,
    [province],
  )
  return rows
}

export async function forgetUpload(db: pg.Pool, province: string, id: string) {
  await db.query('UPDATE import_batch SET upload_path = NULL WHERE province_code = $1 AND id = $2', [province, id])
}

export async function batch(db: pg.Pool | pg.PoolClient, province: string, id: string): Promise<BatchRow | undefined> {
  const { rows } = await db.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM import_batch WHERE province_code = $1 AND id = $2`, [
    province,
    id,
  ])
  return rows[0]
}

/** Batches newest first; only those `createdBy` started when given. */
export async function batches(
  db: Queryable,
  province: string,
  limit: number,
  before: string | undefined,
  createdBy: string | null,
): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT ${BATCH_COLUMNS} FROM import_batch WHERE province_code = $1 AND ($2::uuid IS NULL OR id < $2::uuid)
        AND ($4::text IS NULL OR created_by = $4) ORDER BY id DESC LIMIT $3`,
    [province, before ?? null, limit, createdBy],
  )
  return rows
}

export async function setBatchStatus(
  db: pg.Pool | pg.PoolClient,
  province: string,
  id: string,
  status: BatchRow['status'],
  extra: { encoding?: string | null; error?: unknown } = {},
) {
  await db.query(
    `UPDATE import_batch SET status = $3,
        encoding = COALESCE($4, encoding),
        error = $5,
        started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
        finished_at = CASE WHEN $3 IN ('done', 'failed', 'withdrawn') THEN now() ELSE finished_at END
      WHERE province_code = $1 AND id = $2`,
    [province, id, status, extra.encoding ?? null, extra.error === undefined ? null : JSON.stringify(extra.error)],
  )
}

/** Adds a committed chunk's counts; the same transaction as the chunk's rows. */
export async function advanceBatch(
  client: pg.PoolClient,
  province: string,
  id: string,
  rows: number,
  bytes: number,
  outcomes: Record<string, number>,
  rules: Record<string, number>,
) {
  await client.query(
    `UPDATE import_batch b SET rows_done = rows_done + $3, bytes_done = $4,
        outcomes = (SELECT jsonb_object_agg(k, v) FROM (
          SELECT key AS k, sum(value::int) AS v FROM (
            SELECT * FROM jsonb_each_text(b.outcomes) UNION ALL SELECT * FROM jsonb_each_text($5::jsonb)) x GROUP BY key) y),
        rules = COALESCE((SELECT jsonb_object_agg(k, v) FROM (
          SELECT key AS k, sum(value::int) AS v FROM (
            SELECT * FROM jsonb_each_text(b.rules) UNION ALL SELECT * FROM jsonb_each_text($6::jsonb)) x GROUP BY key) y), '{}')
      WHERE province_code = $1 AND id = $2`,
    [province, id, rows, bytes, JSON.stringify(outcomes), JSON.stringify(rules)],
  )
}

export async function existingHashes(client: pg.PoolClient, province: string, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set()
  const { rows } = await client.query<{ content_hash: string }>(
    `SELECT content_hash FROM form WHERE province_code = $1 AND content_hash = ANY($2::text[]) AND state <> 'withdrawn'`,
    [province, hashes],
  )
  return new Set(rows.map((r) => r.content_hash))
}

export interface CurrentForm {
  id: string
  collecting_unit: string
  era: number
  form_no: string
  state: FormState
}

export async function currentForms(
  client: pg.PoolClient,
  province: string,
  keys: { unit: string; era: number; no: string }[],
): Promise<CurrentForm[]> {
  if (keys.length === 0) return []
  const { rows } = await client.query<CurrentForm>(
    `SELECT f.id, f.collecting_unit, f.era, f.form_no, f.state
       FROM form f
       JOIN unnest($2::text[], $3::smallint[], $4::text[]) AS k(unit, era, no)
         ON f.collecting_unit = k.unit AND f.era = k.era AND f.form_no = k.no
      WHERE f.province_code = $1 AND f.state IN ('accepted', 'accepted_with_warnings', 'needs_correction')`,
    [province, keys.map((k) => k.unit), keys.map((k) => k.era), keys.map((k) => k.no)],
  )
  return rows
}

export async function supersede(client: pg.PoolClient, province: string, ids: string[]) {
  if (ids.length === 0) return
  await client.query(`UPDATE form SET state = 'superseded' WHERE province_code = $1 AND id = ANY($2::uuid[])`, [province, ids])
}

export const FORM_COLUMNS = [
  'province_code',
  'id',
  'batch_id',
  'row_no',
  'collecting_unit',
  'era',
  'form_no',
  'content_hash',
  'state',
  'raw',
  'completeness',
  'missing',
  'person_id',
  'supersedes',
]
export const FINDING_COLUMNS = ['province_code', 'form_id', 'seq', 'rule', 'severity', 'field', 'details']

export async function writeForms(db: Db, client: pg.PoolClient, forms: CopyValue[][], findings: CopyValue[][]) {
  await copyInto(db, client, 'form', FORM_COLUMNS, forms)
  await copyInto(db, client, 'form_finding', FINDING_COLUMNS, findings)
}

/** One chunk at a time per province: two imports (or a form posted meanwhile) never interleave. */
export async function lockProvince(client: pg.PoolClient, province: string) {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('coso.intake.' || $1))`, [province])
}

export interface StoredForm {
  id: string
  batch_id: string | null
  row_no: number | null
  collecting_unit: string
  era: number | null
  form_no: string
  state: FormState
  raw: Record<string, unknown>
  completeness: number
  missing: string[]
  person_id: string | null
  received_at: string
  findings: { rule: string; severity: string; field: string | null; details: Record<string, string | number> }[]
}

const FORM_SELECT = `f.id, f.batch_id, f.row_no, f.collecting_unit, f.era, f.form_no, f.state, f.raw, f.completeness, f.missing, f.person_id,
  f.received_at, COALESCE((SELECT json_agg(json_build_object('rule', x.rule, 'severity', x.severity, 'field', x.field, 'details', x.details) ORDER BY x.seq)
    FROM form_finding x WHERE x.province_code = f.province_code AND x.form_id = f.id), '[]') AS findings`

export async function form(db: Queryable, province: string, id: string, scope: string[] | null): Promise<StoredForm | undefined> {
  const { rows } = await db.query<StoredForm>(
    `SELECT ${FORM_SELECT} FROM form f WHERE f.province_code = $1 AND f.id = $2
        AND ($3::text[] IS NULL OR (f.collecting_unit || ':' || f.era) = ANY($3::text[]))`,
    [province, id, scope],
  )
  return rows[0]
}

export interface FormFilter {
  batch?: string | undefined
  state?: FormState | undefined
  unit?: string | undefined
  person?: string | undefined
  form_no?: string | undefined
  after?: string | undefined
  limit: number
  /** The caller's units as `code:era`; null: the whole province. */
  scope: string[] | null
}

/** Forms in id order (UUIDv7: the order they were received), keyset-paginated. */
export async function forms(db: Queryable, province: string, filter: FormFilter): Promise<StoredForm[]> {
  const { rows } = await db.query<StoredForm>(
    `SELECT ${FORM_SELECT} FROM form f
      WHERE f.province_code = $1
        AND ($2::uuid IS NULL OR f.batch_id = $2) AND ($3::text IS NULL OR f.state = $3)
        AND ($4::text IS NULL OR f.collecting_unit = $4) AND ($5::uuid IS NULL OR f.person_id = $5)
        AND ($6::uuid IS NULL OR f.id > $6) AND ($8::text[] IS NULL OR (f.collecting_unit || ':' || f.era) = ANY($8::text[]))
        AND ($9::text IS NULL OR f.form_no = $9)
      ORDER BY f.id LIMIT $7`,
    [
      province,
      filter.batch ?? null,
      filter.state ?? null,
      filter.unit ?? null,
      filter.person ?? null,
      filter.after ?? null,
      filter.limit,
      filter.scope,
      filter.form_no ?? null,
    ],
  )
  return rows
}

/** A batch's forms in file order, for correction files. */
export async function batchForms(
  db: pg.Pool,
  province: string,
  batchId: string,
  states: FormState[],
  afterRow: number,
  limit: number,
): Promise<StoredForm[]> {
  const { rows } = await db.query<StoredForm>(
    `SELECT ${FORM_SELECT} FROM form f
      WHERE f.province_code = $1 AND f.batch_id = $2 AND f.state = ANY($3::text[]) AND f.row_no > $4
      ORDER BY f.row_no LIMIT $5`,
    [province, batchId, states, afterRow, limit],
  )
  return rows
}

export interface UnitCompleteness {
  unit: string
  era: number
  forms: number
  average: number
  complete: number
}

export async function completenessByUnit(db: pg.Pool, province: string): Promise<UnitCompleteness[]> {
  const { rows } = await db.query<UnitCompleteness>(
    `SELECT collecting_unit AS unit, era, count(*)::int AS forms, round(avg(completeness), 1)::float8 AS average,
            count(*) FILTER (WHERE completeness = 100)::int AS complete
       FROM form WHERE province_code = $1 AND state IN ('accepted', 'accepted_with_warnings') AND era IS NOT NULL
      GROUP BY collecting_unit, era ORDER BY collecting_unit, era`,
    [province],
  )
  return rows
}

/** Marks a batch's forms withdrawn and gives back to the forms they superseded their place. */
export async function withdrawForms(client: pg.PoolClient, province: string, batchId: string): Promise<number> {
  await client.query(
    `UPDATE form SET state = 'needs_correction'
      WHERE province_code = $1 AND state = 'superseded'
        AND id IN (SELECT supersedes FROM form WHERE province_code = $1 AND batch_id = $2 AND supersedes IS NOT NULL)`,
    [province, batchId],
  )
  await client.query(
    `UPDATE form_finding SET status = 'resolved' WHERE province_code = $1 AND form_id IN (SELECT id FROM form WHERE province_code = $1 AND batch_id = $2)`,
    [province, batchId],
  )
  const { rowCount } = await client.query(
    `UPDATE form SET state = 'withdrawn' WHERE province_code = $1 AND batch_id = $2 AND state <> 'withdrawn'`,
    [province, batchId],
  )
  await client.query(`UPDATE import_batch SET status = 'withdrawn', finished_at = now() WHERE province_code = $1 AND id = $2`, [
    province,
    batchId,
  ])
  return rowCount ?? 0
}

/** The forms an export lists: every state but superseded and withdrawn. */
export const EXPORTED_STATES: FormState[] = ['accepted', 'accepted_with_warnings', 'needs_correction', 'conflict']

/** The unknown columns kept with the forms of these states, so an export can give them a column. */
export async function extraKeys(db: pg.Pool | pg.PoolClient, province: string, states: FormState[]): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT DISTINCT k.key FROM form f CROSS JOIN LATERAL jsonb_object_keys(f.raw->'extra') AS k(key)
      WHERE f.province_code = $1 AND f.state = ANY($2::text[]) AND jsonb_typeof(f.raw->'extra') = 'object'`,
    [province, states],
  )
  return rows.map((r) => r.key)
}

export interface RawForm {
  id: string
  state: FormState
  raw: Record<string, unknown>
}

/** A page of forms with what was typed, in id order after `after` (keyset). */
export async function rawForms(
  db: pg.Pool | pg.PoolClient,
  province: string,
  states: FormState[],
  after: string | null,
  limit: number,
): Promise<RawForm[]> {
  const { rows } = await db.query<RawForm>(
    `SELECT f.id, f.state, f.raw FROM form f
      WHERE f.province_code = $1 AND f.state = ANY($2::text[]) AND ($3::uuid IS NULL OR f.id > $3::uuid)
      ORDER BY f.id LIMIT $4`,
    [province, states, after, limit],
  )
  return rows
}
