// Identity-card applications: receiving one (the rules by age checked), taking its steps (each
// with its officer and time, the deadline set when the file is complete, the card written when
// produced), many at once for a batch, and the reads — one application, lists, overdue lists.
import type { Actor } from '../access/service.ts'
import { type Mapper, mapper } from '../events/population.ts'
import { today } from '../geo/eras.ts'
import type { UnitIndex } from '../geo/unit-index.ts'
import { provinceCode } from '../platform/config.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import { birthDate } from '../register/service.ts'
import {
  type ApplicationKind,
  checkApplication,
  checkStep,
  fileChange,
  nextStates,
  type Refusal,
  STATE_NAMES,
  type State,
} from './applications.ts'
import type { WorkingCalendar } from './calendar.ts'
import { workingCalendar } from './calendar-service.ts'
import * as q from './queries.ts'
import { type BirthDate, cardExpiry, needsBiometrics } from './validity.ts'

/** The working days from a complete file to the card at the commune (Identity Law art. 26). */
export const DEADLINE_WORKING_DAYS = 7

/** What a write needs that is read before its transaction (the embedded engine has one connection). */
export interface Context {
  calendar: WorkingCalendar
  scope: string[] | null
}

/** Receiving also needs the 2025 map, to find the commune of a person's residence. */
export interface ReceiveContext extends Context {
  map: Mapper
}

export async function stepContext(db: Db, scope: string[] | null): Promise<Context> {
  return { calendar: await workingCalendar(db.kysely), scope }
}

export async function receiveContext(db: Db, scope: string[] | null): Promise<ReceiveContext> {
  return { ...(await stepContext(db, scope)), map: await mapper(db, 2025) }
}

export interface ApplicationView extends Omit<q.ApplicationRow, 'birth_year' | 'birth_month' | 'birth_day'> {
  birth_date: string | null
  state_name: { vi: string; en: string }
  /** Open, the card still owed and its due day past. */
  overdue: boolean
  /** The steps that may follow, for this holder. */
  next: State[]
}

const birthOf = (p: { birth_year: number | null; birth_month: number | null; birth_day: number | null }): BirthDate | null =>
  p.birth_year === null ? null : { year: p.birth_year, month: p.birth_month, day: p.birth_day }

export function view(row: q.ApplicationRow, on = today()): ApplicationView {
  const { birth_year, birth_month, birth_day, ...rest } = row
  return {
    ...rest,
    birth_date: birthDate({ birth_year, birth_month, birth_day }),
    state_name: STATE_NAMES[row.state],
    overdue: row.due_on !== null && row.due_on < on && q.OWED_STATES.includes(row.state),
    next: nextStates(row.state, { biometrics: row.biometrics }),
  }
}

const refused = (r: Refusal, details: Record<string, unknown> = {}) =>
  new AppError('APPLICATION_REFUSED', { vi: r.vi, en: r.en }, 422, { rule: r.code, ...details })

const applicationNotFound = () => notFound({ vi: 'hồ sơ cấp thẻ', en: 'Application' })

function checkDay(day: string, field: string, now: string): void {
  if (day > now) {
    throw badInput({ vi: `${field}: ngày ${day} ở tương lai`, en: `${field}: ${day} is in the future` }, { field, rule: 'not-future' })
  }
}

/** When a step taken on `day` happened: now for today, else noon of that day in Vietnam. */
const momentOf = (day: string, now: string) => (day === now ? new Date().toISOString() : `${day}T05:00:00.000Z`)

/** The file is complete: the deadline runs from this day. */
function deadline(ctx: Context, day: string) {
  const d = ctx.calendar.addWorkingDays(day, DEADLINE_WORKING_DAYS)
  return { complete_on: day, due_on: d.due, due_provisional: d.provisional }
}

export interface ReceiveInput {
  person_id: string
  kind: ApplicationKind
  reason?: string | null | undefined
  /** Default today; an application entered late keeps its real day. */
  received_on?: string | undefined
  /** The receiving commune (2025); default the session's, else where the person lives today. */
  unit_code?: string | undefined
  session_id?: string | null | undefined
}

/** The commune that receives: given, the session's, else the person's residence today on the 2025 map. */
async function receivingUnit(client: Queryable, ctx: ReceiveContext, input: ReceiveInput, day: string): Promise<string> {
  const province = provinceCode()
  let unit = input.unit_code
  if (input.session_id) {
    const { rows } = await client.query<{ unit_code: string; status: string }>(
      'SELECT unit_code, status FROM id_session WHERE province_code = $1 AND id = $2',
      [province, input.session_id],
    )
    const session = rows[0]
    if (!session) throw notFound({ vi: 'đợt cấp lưu động', en: 'Mobile session' })
    if (session.status !== 'open') {
      throw refused({ code: 'session-closed', vi: 'Đợt cấp lưu động đã đóng.', en: 'The mobile session is closed.' })
    }
    if (unit && unit !== session.unit_code) {
      throw badInput(
        { vi: 'unit_code: khác đơn vị của đợt cấp lưu động', en: 'unit_code: not the mobile session’s unit' },
        { field: 'unit_code', rule: 'session-unit' },
      )
    }
    unit = session.unit_code
  }
  if (!unit) {
    const stay = await q.stayToday(client, province, input.person_id, day)
    const line = stay ? ctx.map.lineOf(stay.unit_code, stay.era, stay.placed) : null
    if (!line || line.includes(':')) {
      throw badInput(
        {
          vi: 'unit_code: không xác định được xã nơi người này cư trú — chọn đơn vị tiếp nhận',
          en: 'unit_code: the commune where this person lives is not known — choose the receiving unit',
        },
        { field: 'unit_code', rule: 'required' },
      )
    }
    unit = line
  }
  if (!ctx.map.units.some((u) => u.code === unit)) {
    throw badInput(
      {
        vi: `unit_code: "${unit}" không phải xã, phường hiện hành của tỉnh`,
        en: `unit_code: "${unit}" is no commune of the province today`,
      },
      { field: 'unit_code', rule: 'unit' },
    )
  }
  if (ctx.scope && !ctx.scope.includes(`${unit}:2025`)) {
    throw new AppError('FORBIDDEN', { vi: 'Đơn vị này ngoài phạm vi của bạn.', en: 'This unit is outside your scope.' }, 403)
  }
  return unit
}

/** Receives an application: the person's rules by age checked, its reception step recorded. */
export async function receiveIn(client: Queryable, actor: Actor, input: ReceiveInput, ctx: ReceiveContext): Promise<ApplicationView> {
  const province = provinceCode()
  const now = today()
  const day = input.received_on ?? now
  checkDay(day, 'received_on', now)
  const person = await q.applicant(client, province, input.person_id)
  if (!person) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
  const card = await q.cardInForce(client, province, input.person_id)
  const birth = birthOf(person)
  const why = checkApplication(input.kind, { birth, died_on: person.died_on, personal_id: person.personal_id, card }, day, input.reason)
  if (why) throw refused(why)
  const unit = await receivingUnit(client, ctx, input, day)
  const biometrics = needsBiometrics(birth as BirthDate, day)
  const id = uuidv7()
  const inserted = await q.insertApplication(client, province, {
    id,
    person_id: person.id,
    personal_id: person.personal_id as string,
    kind: input.kind,
    reason: input.reason?.trim() || null,
    state: 'received',
    biometrics,
    unit_code: unit,
    era: 2025,
    session_id: input.session_id ?? null,
    received_on: day,
    received_by: actor.name,
    at: momentOf(day, now),
    // Under 6 nothing is captured: the file is complete at reception.
    ...(biometrics ? { complete_on: null, due_on: null, due_provisional: false } : deadline(ctx, day)),
  })
  if (!inserted) {
    throw refused({
      code: 'open-application',
      vi: 'Người này đang có một hồ sơ chưa trả thẻ: tiếp tục hồ sơ đó hoặc huỷ nó trước.',
      en: 'This person has an open application: carry it on, or cancel it first.',
    })
  }
  return view((await q.application(client, province, id, null)) as q.ApplicationRow, now)
}

export interface StepInput {
  to: State
  /** The day the step was taken; default today. */
  on?: string | undefined
  reason?: string | null | undefined
  receiver?: string | null | undefined
}

/** Takes a step of an application the caller's scope reaches; refused with the reason when it may not follow. */
export async function stepIn(
  client: Queryable,
  actor: Actor,
  id: string,
  input: StepInput,
  ctx: Context & { batchId?: string | null; sessionId?: string | null },
): Promise<ApplicationView> {
  const province = provinceCode()
  const row = await q.application(client, province, id, ctx.scope, true)
  if (!row) throw applicationNotFound()
  return view(await takeStep(client, actor, row, input, ctx), today())
}

/** The step on a locked row; the row as it is after. */
export async function takeStep(
  client: Queryable,
  actor: Actor,
  row: q.ApplicationRow,
  input: StepInput,
  ctx: Context & { batchId?: string | null; sessionId?: string | null },
): Promise<q.ApplicationRow> {
  const province = provinceCode()
  const now = today()
  const day = input.on ?? now
  checkDay(day, 'on', now)
  const since = q.stepDay(row.state_at)
  if (day < since) {
    throw badInput(
      { vi: `on: ngày ${day} trước bước trước (${since})`, en: `on: ${day} is before the previous step (${since})` },
      { field: 'on', rule: 'order' },
    )
  }
  const why = checkStep(row.state, input.to, { biometrics: row.biometrics }, input)
  if (why) throw refused(why, { state: row.state, to: input.to })
  const at = momentOf(day, now)
  const change = fileChange(input.to, { biometrics: row.biometrics })
  const due =
    change === 'reopened'
      ? { complete_on: null, due_on: null, due_provisional: false }
      : change === 'complete'
        ? deadline(ctx, day)
        : { complete_on: row.complete_on, due_on: row.due_on, due_provisional: row.due_provisional }
  await q.insertStep(client, province, {
    application_id: row.id,
    from_state: row.state,
    to_state: input.to,
    at,
    since: row.state_at,
    officer: actor.name,
    unit_code: row.unit_code,
    reason: input.reason?.trim() || null,
    receiver: input.receiver?.trim() || null,
    batch_id: ctx.batchId ?? null,
    session_id: ctx.sessionId ?? null,
  })
  await q.updateState(client, province, row.id, {
    state: input.to,
    at,
    ...due,
    arrived_on: input.to === 'arrived' ? day : null,
    handed_over_on: input.to === 'handed_over' ? day : null,
    receiver: input.to === 'handed_over' ? (input.receiver?.trim() ?? null) : null,
  })
  if (input.to === 'produced') {
    const birth = birthOf(row) as BirthDate
    await q.issueCard(client, province, {
      person_id: row.person_id,
      issued_on: day,
      expires_on: cardExpiry(birth, day),
      personal_id: row.personal_id,
      application_id: row.id,
      recorded_by: actor.name,
    })
  }
  return (await q.application(client, province, row.id, null)) as q.ApplicationRow
}

export async function getApplication(db: Queryable, id: string, scope: string[] | null) {
  const province = provinceCode()
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await q.application(db, province, id, scope) : undefined
  if (!row) throw applicationNotFound()
  return { ...view(row), steps: await q.steps(db, province, id) }
}

export interface ListQuery {
  unit?: string | undefined
  state?: State | undefined
  overdue?: boolean | undefined
  session?: string | undefined
  person?: string | undefined
  after?: string | undefined
  limit: number
}

const cursorOf = (day: string, no: number) => Buffer.from(JSON.stringify([day, no])).toString('base64url')

function readCursor(cursor: string): { day: string; no: number } {
  try {
    const [day, no] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown]
    if (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && Number.isInteger(no)) return { day, no: no as number }
  } catch {}
  throw badInput({ vi: 'after: con trỏ trang không hợp lệ', en: 'after: not a valid page cursor' }, { field: 'after', rule: 'cursor' })
}

/** One page of applications (newest first; overdue lists most overdue first) and the next page's cursor. */
export async function listApplications(db: Queryable, query: ListQuery, scope: string[] | null) {
  const now = today()
  const rows = await q.applications(
    db,
    provinceCode(),
    {
      unit: query.unit,
      state: query.state,
      overdue: query.overdue ? now : undefined,
      session: query.session,
      person: query.person,
      after: query.after ? readCursor(query.after) : undefined,
      limit: query.limit + 1,
    },
    scope,
  )
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  const more = rows.length > query.limit && last
  return {
    items: page.map((r) => view(r, now)),
    next: more ? cursorOf((query.overdue ? last.due_on : last.received_on) as string, last.no) : null,
  }
}

/** A reference scanned or typed at a counter: a 12-digit personal ID number, or a slip number. */
export function parseReference(text: string): { number: string } | { no: number } | null {
  const t = text.replace(/[\s.-]/g, '')
  if (/^\d{12}$/.test(t)) return { number: t }
  if (/^\d{1,11}$/.test(t)) return { no: Number(t) }
  return null
}

export interface ResolvedReference {
  ref: string
  application?: q.ApplicationRow
  problem?: 'unreadable' | 'unknown'
}

/** The applications named by scanned or typed references, in the order given (duplicates once). */
export async function resolveReferences(db: Queryable, refs: readonly string[], scope: string[] | null): Promise<ResolvedReference[]> {
  const parsed = [...new Set(refs.map((r) => r.trim()).filter(Boolean))].map((ref) => ({ ref, key: parseReference(ref) }))
  const numbers = parsed.flatMap((p) => (p.key && 'number' in p.key ? [p.key.number] : []))
  const nos = parsed.flatMap((p) => (p.key && 'no' in p.key ? [p.key.no] : []))
  const found = new Map((await q.byReferences(db, provinceCode(), { numbers, nos }, scope)).map((r) => [r.ref, r]))
  return parsed.map((p) => {
    if (!p.key) return { ref: p.ref, problem: 'unreadable' }
    const application = found.get('number' in p.key ? p.key.number : String(p.key.no))
    return application ? { ref: p.ref, application } : { ref: p.ref, problem: 'unknown' }
  })
}

/**
 * What the appointment slip (CC02, "giấy hẹn trả kết quả") says. The return day is the due day
 * once the file is complete; printed at reception before biometrics are captured, it is seven
 * working days from today, as the file is completed at the counter.
 */
export async function slipOf(db: Queryable, a: ApplicationView, ctx: Context, index: UnitIndex, on: string) {
  const province = provinceCode()
  const { rows } = a.session_id
    ? await db.query<{ place: string }>('SELECT place FROM id_session WHERE province_code = $1 AND id = $2', [province, a.session_id])
    : { rows: [] }
  const planned = a.due_on ? null : ctx.calendar.addWorkingDays(on, DEADLINE_WORKING_DAYS)
  return {
    no: a.no,
    name_display: a.name_display,
    birth_date: a.birth_date,
    personal_id: a.personal_id,
    kind: a.kind,
    received_on: a.received_on,
    received_by: a.received_by,
    unit_code: a.unit_code,
    unit_name: index.on(a.unit_code, a.received_on)?.name ?? a.unit_code,
    province_name: index.on(province, a.received_on)?.name ?? null,
    place: rows[0]?.place ?? null,
    return_on: a.due_on ?? (planned as { due: string }).due,
    return_provisional: a.due_on ? a.due_provisional : (planned as { provisional: boolean }).provisional,
  }
}
