// Bulk import of DC01 forms. Rows are read as a stream and taken in chunks; each chunk is
// checked, decided and written in one transaction that also advances the batch's counters, so
// a run killed at any point resumes after the last committed chunk — no row lost or doubled.
import { createHash } from 'node:crypto'
import { createReadStream, rmSync } from 'node:fs'
import { basename } from 'node:path'
import type pg from 'pg'
import { idParts } from '../identity/number.ts'
import { provinceCode } from '../platform/config.ts'
import type { CopyValue } from '../platform/copy.ts'
import { type Db, inTransaction } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import * as register from '../register/service.ts'
import { foldKey } from '../text/vietnamese.ts'
import { completeness } from './completeness.ts'
import { DC01_KEYS, type Dc01Form } from './dc01.ts'
import type { Encoding } from './encoding.ts'
import * as q from './queries.ts'
import { type Format, openSource, type SourceRow } from './reader.ts'
import { loadReference } from './reference.ts'
import { type Finding, finding } from './rules.ts'
import { type Checked, checkForm, type Reference } from './validate.ts'
import { type DateValue, digits, earliestDay, parseDate, splitName } from './values.ts'

export const CHUNK = 5000

export type Outcome = q.Outcome
export type Counts = Record<Outcome, number>

export interface Progress {
  rows: number
  bytes: number
  size: number
  outcomes: Counts
}

export interface ImportReport {
  batch_id: string
  file: string
  format: string
  encoding: string | null
  encoding_reason: string | null
  status: string
  rows: number
  outcomes: Counts
  rules: Record<string, number>
  unknown_columns: string[]
}

export const zeroCounts = (): Counts => ({ accepted: 0, accepted_with_warnings: 0, needs_correction: 0, duplicate: 0, conflict: 0 })

/** The stored content of a form: every known value as typed (NFC), trimmed, and the extras. */
export function contentHash(form: Dc01Form): string {
  let text = ''
  for (const key of DC01_KEYS) text += `${form[key].trim()}\u0001`
  if (form.extra) for (const key of Object.keys(form.extra).sort()) text += `${key}\u0002${form.extra[key]}\u0001`
  return createHash('sha256').update(text).digest('base64url')
}

export function rawOf(form: Dc01Form): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  for (const key of DC01_KEYS) if (form[key] !== '') raw[key] = form[key]
  if (form.extra && Object.keys(form.extra).length > 0) raw.extra = form.extra
  return raw
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export interface Pending {
  row: SourceRow
  checked: Checked
  hash: string
  identity: string | null
}

interface FormRecord {
  id: string
  state: q.FormState
  values: CopyValue[]
}

/** State that must be seen across the rows of one chunk before it is committed. */
class ChunkState {
  readonly hashes = new Set<string>()
  readonly identities = new Map<string, FormRecord | q.CurrentForm>()
  readonly holders = new Map<string, register.Holder>()
  readonly households = new Map<string, string>()
  readonly members = new Set<string>()
  /** Persons created in this chunk: they cannot be members of anything yet. */
  readonly created = new Set<string>()
}

const STATE_AT = q.FORM_COLUMNS.indexOf('state')
const identityKey = (unit: string, era: number, no: string) => `${unit}|${era}|${no}`

export interface RunOptions {
  onProgress?: ((p: Progress) => void) | undefined
  reference?: Reference | undefined
}

/**
 * The pure half of a row's import: checked, hashed, identified. With a scope (the units of the
 * user who sent it, as `code:era`), a form collected elsewhere is held for correction.
 */
export function prepareRow(row: SourceRow, ref: Reference, scope: string[] | null = null): Pending {
  const checked = checkForm(row.form, ref, row.problems)
  const unit = checked.form.collecting_unit.trim()
  const no = checked.form.form_no.trim()
  if (scope && checked.era !== null && !scope.includes(`${unit}:${checked.era}`)) {
    checked.findings.push(finding('unit-out-of-scope', 'collecting_unit', { value: unit }))
    checked.hasError = true
  }
  return { row, checked, hash: contentHash(checked.form), identity: no && checked.era !== null ? identityKey(unit, checked.era, no) : null }
}

/**
 * Checks a chunk's rows a slice at a time, letting other work (the previous chunk's writes)
 * go on in between: on a server the database then works while we check.
 */
export async function prepareRows(rows: SourceRow[], ref: Reference, scope: string[] | null): Promise<Pending[]> {
  const out: Pending[] = []
  for (let i = 0; i < rows.length; i++) {
    out.push(prepareRow(rows[i] as SourceRow, ref, scope))
    if (i % 250 === 249) await new Promise<void>((r) => setImmediate(r))
  }
  return out
}

/**
 * Decides and writes one chunk of prepared rows. Exported for the single-form route, which is
 * a chunk of one without a batch.
 */
export async function importChunk(
  db: Db,
  client: pg.PoolClient,
  batchId: string | null,
  pending: Pending[],
): Promise<{
  outcomes: Counts
  rules: Record<string, number>
  results: { row: number; outcome: Outcome; form_id: string | null; findings: Finding[] }[]
}> {
  const province = provinceCode()
  await q.lockProvince(client, province)
  const state = new ChunkState()
  for (const h of await q.existingHashes(
    client,
    province,
    pending.map((p) => p.hash),
  ))
    state.hashes.add(h)
  const keys = pending
    .filter((p) => p.identity)
    .map((p) => ({ unit: p.checked.form.collecting_unit.trim(), era: p.checked.era as number, no: p.checked.form.form_no.trim() }))
  for (const f of await q.currentForms(client, province, keys)) state.identities.set(identityKey(f.collecting_unit, f.era, f.form_no), f)
  const ids = [
    ...new Set(pending.map((p) => p.checked.person.personal_id).filter((id): id is string => id !== null && idParts(id) !== undefined)),
  ]
  for (const [id, h] of await register.holders(client, ids)) state.holders.set(id, h)
  const householdKeys = pending
    .filter((p) => p.checked.form.household_no.trim() && p.checked.era !== null)
    .map((p) => ({ unit: p.checked.form.collecting_unit.trim(), era: p.checked.era as number, no: p.checked.form.household_no.trim() }))
  for (const [k, id] of await register.households(client, province, householdKeys)) state.households.set(k, id)

  const writes = new register.RegisterWrites(province, batchId)
  const forms: FormRecord[] = []
  const findings: CopyValue[][] = []
  const superseded: string[] = []
  const outcomes = zeroCounts()
  const rules: Record<string, number> = {}
  const results: { row: number; outcome: Outcome; form_id: string | null; findings: Finding[] }[] = []
  const attached: { household: string; person: string; relation: string | null; formId: string }[] = []

  for (const p of pending) {
    if (state.hashes.has(p.hash)) {
      outcomes.duplicate++
      results.push({ row: p.row.row, outcome: 'duplicate', form_id: null, findings: [] })
      continue
    }
    state.hashes.add(p.hash)
    const c = p.checked
    const formId = uuidv7()
    const current = p.identity ? state.identities.get(p.identity) : undefined
    let outcome: Outcome
    let personId: string | null = null
    let supersedes: string | null = null
    if (current && (current.state === 'accepted' || current.state === 'accepted_with_warnings')) {
      outcome = 'conflict'
    } else {
      if (current && current.state === 'needs_correction') {
        // A new version of a form held for correction is its correction.
        supersedes = current.id
        if ('values' in current) current.values[STATE_AT] = 'superseded'
        else superseded.push(current.id)
        current.state = 'superseded'
      }
      outcome = c.hasError ? 'needs_correction' : 'accepted'
      const known = state.created.size
      if (outcome === 'accepted') personId = attachOrCreate(c, formId, state, writes)
      if (outcome === 'accepted' && c.findings.length > 0) outcome = 'accepted_with_warnings'
      const household = personId ? addHousehold(c, personId, formId, state, writes, attached) : null
      if (personId && state.created.size > known) addStay(c, personId, household, writes)
    }
    const score = completeness(c)
    const record: FormRecord = {
      id: formId,
      state: outcome,
      values: [
        province,
        formId,
        batchId,
        p.row.row,
        c.form.collecting_unit.trim(),
        c.era,
        c.form.form_no.trim(),
        p.hash,
        outcome,
        rawOf(c.form),
        score.score,
        score.missing,
        personId,
        supersedes,
      ],
    }
    forms.push(record)
    if (p.identity && outcome !== 'conflict') state.identities.set(p.identity, record)
    c.findings.forEach((f, seq) => {
      findings.push([province, formId, seq, f.rule, f.severity, f.field, f.details])
      rules[f.rule] = (rules[f.rule] ?? 0) + 1
    })
    outcomes[outcome]++
    results.push({ row: p.row.row, outcome, form_id: formId, findings: c.findings })
  }

  // Persons already in the register may already be members of the household.
  const known = await register.memberships(
    client,
    province,
    attached.filter((a) => !state.created.has(a.person)).map((a) => ({ household: a.household, person: a.person })),
  )
  for (const a of attached) {
    const key = `${a.household}|${a.person}`
    if (!known.has(key) && !state.members.has(key)) {
      state.members.add(key)
      writes.addMember(a.household, a.person, a.relation, a.formId)
    }
  }

  await q.supersede(client, province, superseded)
  await q.writeForms(
    db,
    client,
    forms.map((f) => f.values),
    findings,
  )
  await register.write(db, client, writes)
  return { outcomes, rules, results }
}

/** The personal ID is the identity key: a form whose number is held attaches to its holder. */
function attachOrCreate(c: Checked, formId: string, state: ChunkState, writes: register.RegisterWrites): string {
  const p = c.person
  const id = p.personal_id && idParts(p.personal_id) ? p.personal_id : null
  const holder = id ? state.holders.get(id) : undefined
  if (holder) {
    const differs: string[] = []
    if (holder.name_fold !== foldKey(p.name_display)) differs.push('name')
    if (p.sex && holder.sex && holder.sex !== p.sex) differs.push('sex')
    const b = p.birth
    if (
      b &&
      holder.birth_year !== null &&
      (holder.birth_year !== b.year ||
        (b.month !== null && holder.birth_month !== null && holder.birth_month !== b.month) ||
        (b.day !== null && holder.birth_day !== null && holder.birth_day !== b.day))
    )
      differs.push('birth_date')
    if (differs.length > 0) {
      c.findings.push(finding('id-holder-differs', 'personal_id', { fields: differs.join(', ') }))
      writes.addReview('id-holder-differs', holder.person_id, formId, { fields: differs })
    }
    return holder.person_id
  }
  const parts = splitName(p.name_display)
  const personId = writes.addPerson(
    {
      full_name: p.full_name,
      name_display: p.name_display,
      family: parts.family,
      given: parts.given,
      other_name: p.other_name,
      birth: p.birth ? { year: p.birth.year, month: p.birth.month, day: p.birth.day, precision: p.birth.precision } : null,
      sex: p.sex,
      personal_id: p.personal_id,
      old_id: p.old_id,
      ethnicity_code: p.ethnicity_code,
      ethnicity_text: p.ethnicity_text,
      religion: p.religion,
      nationality: p.nationality,
      blood_group: p.blood_group,
      marital_status: p.marital_status,
      occupation: p.occupation,
      phone: p.phone,
      email: p.email,
      birth_reg_place: p.birth_reg_place,
      hometown: p.hometown,
      confirmed_on: isoDay(parseDate(c.form.collected_on)),
      unit:
        (p.current_unit ?? p.permanent_unit) && c.era !== null
          ? { code: (p.current_unit ?? p.permanent_unit) as string, era: c.era }
          : null,
    },
    formId,
  )
  state.created.add(personId)
  if (id) {
    writes.addIdentifier(id, personId)
    state.holders.set(id, {
      national_id: id,
      person_id: personId,
      name_fold: foldKey(p.name_display),
      sex: p.sex,
      birth_year: p.birth?.year ?? null,
      birth_month: p.birth?.month ?? null,
      birth_day: p.birth?.day ?? null,
    })
  }
  const era = c.era as number
  if (p.permanent_unit) writes.addResidence(personId, 'permanent', p.permanent_unit, era, p.permanent_address, formId)
  if (p.current_unit) writes.addResidence(personId, 'current', p.current_unit, era, p.current_address, formId)
  const f = c.values
  for (const [kind, name, nid] of [
    ['father', f.father_name, f.father_id],
    ['mother', f.mother_name, f.mother_id],
    ['spouse', f.spouse_name, f.spouse_id],
  ] as const) {
    const n = name.trim()
    const d = digits(nid)
    if (n || d) writes.addRelationship(personId, kind, formId, n || null, d || null)
  }
  return personId
}

const isoDay = (v: DateValue) => (v.kind === 'ok' && v.day !== null ? earliestDay(v) : null)

/** A new person lives, from birth, where the form says (current residence, else permanent), in its household. */
function addStay(c: Checked, personId: string, household: string | null, writes: register.RegisterWrites) {
  const p = c.person
  const unit = p.current_unit ?? p.permanent_unit
  if (!unit || c.era === null) return
  writes.addStay(personId, {
    unit_code: unit,
    era: c.era,
    detail: p.current_unit ? p.current_address : p.permanent_address,
    household_id: household,
    relation_to_head: household ? p.relation_to_head : null,
    valid_from: p.birth ? earliestDay(p.birth) : '-infinity',
  })
}

function addHousehold(
  c: Checked,
  personId: string,
  formId: string,
  state: ChunkState,
  writes: register.RegisterWrites,
  attached: { household: string; person: string; relation: string | null; formId: string }[],
): string | null {
  const no = c.form.household_no.trim()
  if (!no || c.era === null) return null
  const unit = c.form.collecting_unit.trim()
  const key = register.householdKey(unit, c.era, no)
  let household = state.households.get(key)
  const isHead = c.person.relation_to_head === 'Chủ hộ'
  if (!household) {
    household = writes.addHousehold({
      unit,
      era: c.era,
      no,
      headPerson: isHead ? personId : null,
      headName: c.values.household_head_name.trim() || (isHead ? c.person.name_display : null),
      headId: digits(c.form.household_head_id) || (isHead ? c.person.personal_id : null),
      address: c.person.permanent_address,
    })
    state.households.set(key, household)
  }
  attached.push({ household, person: personId, relation: c.person.relation_to_head, formId })
  return household
}

export interface StartOptions {
  encoding?: Encoding | undefined
  format?: Format | undefined
  /** The name shown for the file (an upload's original name); default its base name. */
  source?: string | undefined
  /** The file is an upload coso keeps until it is imported (then removes). */
  upload?: boolean | undefined
  /** Who starts the import (a username, or cli:<user>) and the units they may write to (null: all). */
  createdBy?: string | undefined
  scope?: string[] | null | undefined
}

/** Opens the file (its header is checked now) and finds the batch to resume, or makes one. */
export async function prepareBatch(db: Db, path: string, options: StartOptions = {}): Promise<q.BatchRow> {
  const province = provinceCode()
  const source = await openSource(path, options)
  const sha256 = await fileSha256(path)
  const resumable = await q.unfinishedBatch(db.pool, province, sha256)
  if (resumable) return resumable
  return q.insertBatch(db.pool, {
    province,
    id: uuidv7(),
    source: options.source ?? basename(path),
    sha256,
    size: source.size,
    format: source.format,
    encoding: source.encoding,
    uploadPath: options.upload ? path : null,
    createdBy: options.createdBy ?? null,
    scope: options.scope ?? null,
  })
}

/** Runs (or resumes) a batch to the end. The caller makes sure one process runs it. */
export async function runBatch(db: Db, batchId: string, path: string, options: StartOptions & RunOptions = {}): Promise<ImportReport> {
  const province = provinceCode()
  let batch = await q.batch(db.pool, province, batchId)
  if (!batch) throw new AppError('NOT_FOUND', { vi: `Không có lô nhập ${batchId}.`, en: `No import batch ${batchId}.` }, 404)
  // A job retried after its batch ended (a server stopped mid-job) has nothing left to do.
  if (batch.status === 'done' || batch.status === 'withdrawn') return report(batch, null, [])
  const source = await openSource(path, { ...options, format: options.format ?? (batch.format as Format) })
  await q.setBatchStatus(db.pool, province, batchId, 'running', { encoding: source.encoding })
  const ref = options.reference ?? (await loadReference(db.kysely))
  const skip = batch.rows_done
  const scope = batch.scope
  const counts = { ...zeroCounts(), ...batch.outcomes } as Counts
  let seen = 0
  let chunk: SourceRow[] = []
  // Chunk N is written while chunk N+1 is read and checked.
  let writing: Promise<void> = Promise.resolve()
  let written = skip
  const write = async (pending: Pending[], bytes: number) => {
    const result = await inTransaction(db, async (client) => {
      const r = await importChunk(db, client, batchId, pending)
      await q.advanceBatch(client, province, batchId, pending.length, bytes, r.outcomes, r.rules)
      return r
    })
    for (const k of q.OUTCOMES) counts[k] += result.outcomes[k]
    written += pending.length
    options.onProgress?.({ rows: written, bytes, size: source.size, outcomes: counts })
  }
  const flush = async () => {
    if (chunk.length === 0) return
    const rows = chunk
    chunk = []
    const bytes = source.bytesRead()
    const pending = await prepareRows(rows, ref, scope)
    await writing
    writing = write(pending, bytes)
    writing.catch(() => {}) // awaited below; this only keeps it from being "unhandled" meanwhile
  }
  try {
    for await (const row of source.rows()) {
      seen++
      if (seen <= skip) continue
      chunk.push(row)
      if (chunk.length >= CHUNK) await flush()
    }
    await flush()
    await writing
    await inTransaction(db, (client) => register.finishBatch(client, province, batchId))
    await q.setBatchStatus(db.pool, province, batchId, 'done')
    if (batch.upload_path) {
      rmSync(batch.upload_path, { force: true })
      await q.forgetUpload(db.pool, province, batchId)
    }
  } catch (error) {
    await q.setBatchStatus(db.pool, province, batchId, 'failed', {
      error: error instanceof AppError ? { code: error.code, message: error.text } : { message: (error as Error).message },
    })
    throw error
  }
  batch = (await q.batch(db.pool, province, batchId)) as q.BatchRow
  return report(batch, source.encodingReason, source.unknownColumns)
}

function report(batch: q.BatchRow, encodingReason: string | null, unknownColumns: string[]): ImportReport {
  return {
    batch_id: batch.id,
    file: batch.source,
    format: batch.format,
    encoding: batch.encoding,
    encoding_reason: encodingReason,
    status: batch.status,
    rows: batch.rows_done,
    outcomes: { ...zeroCounts(), ...batch.outcomes } as Counts,
    rules: batch.rules,
    unknown_columns: unknownColumns,
  }
}
