// Mobile sessions ("hết người mới hết giờ": the officers stay until the last person is served): a
// session at a place on a day, the shifts of its officers, its queue of tickets in arrival order,
// and what each officer did hour by hour. The arithmetic (waits, estimates, throughput by hour and
// by shift hour worked) is pure and tested beside; the rest reads and writes through
// session-queries.ts inside the caller's transaction.

import { isRole, permissionsOf, SCOPED_ROLES } from '../access/roles.ts'
import type { Actor } from '../access/service.ts'
import { eraDate, today } from '../geo/eras.ts'
import type { UnitIndex } from '../geo/unit-index.ts'
import { provinceCode } from '../platform/config.ts'
import type { Queryable } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import type { ApplicationKind } from './applications.ts'
import { type ApplicationView, type ReceiveContext, receiveIn, stepIn } from './service.ts'
import * as q from './session-queries.ts'

const HOUR = 3600_000
const MINUTE = 60_000
/** Vietnam's offset: a whole number of hours, so its hour slots are UTC's. */
const VN = 7 * HOUR
/** A session's hours are listed up to a fortnight (a shift left running for longer is clipped there). */
export const MAX_HOURS = 14 * 24

const round2 = (n: number) => Math.round(n * 100) / 100

// ——— pure ———

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export interface TicketTimes {
  status: q.TicketStatus
  arrived_at: string
  called_at: string | null
  done_at: string | null
}

/**
 * How long a person waited, in minutes: from arrival to being called to a desk (to being served
 * when nobody called them); still waiting, until now; one who left, until they left.
 */
export function waitMinutes(t: TicketTimes, now: string): number {
  const end = t.called_at ?? t.done_at ?? now
  return Math.max(0, Math.round((Date.parse(end) - Date.parse(t.arrived_at)) / MINUTE))
}

export interface QueueSummary {
  /** Waiting, not yet called. */
  waiting: number
  /** Called to a desk, not yet served. */
  called: number
  served: number
  left: number
  /** The median wait of those served, in minutes. */
  median_wait_minutes: number | null
  /** The longest wait so far of those not yet called, in minutes. */
  longest_waiting_minutes: number | null
}

export function queueSummary(tickets: readonly TicketTimes[], now: string): QueueSummary {
  const of = (s: q.TicketStatus) => tickets.filter((t) => t.status === s)
  const waiting = of('waiting')
  const served = of('served')
  const waits = waiting.filter((t) => !t.called_at).map((t) => waitMinutes(t, now))
  return {
    waiting: waiting.filter((t) => !t.called_at).length,
    called: waiting.filter((t) => t.called_at).length,
    served: served.length,
    left: of('left').length,
    median_wait_minutes: median(served.map((t) => waitMinutes(t, now))),
    longest_waiting_minutes: waits.length ? Math.max(...waits) : null,
  }
}

export interface ShiftSpan {
  officer: string
  starts_at: string
  ends_at: string | null
}

/** A shift's end for counting: its end, or `until` (now, or the session's close) while it runs. */
const endOf = (s: ShiftSpan, until: string) => Math.max(Date.parse(s.starts_at), Date.parse(s.ends_at ?? until))

export function shiftHours(s: ShiftSpan, until: string): number {
  return (endOf(s, until) - Date.parse(s.starts_at)) / HOUR
}

export interface Estimate {
  /** Those yet to be served: waiting and called. */
  remaining: number
  officers_on_shift: number
  /** Persons served per officer per hour on shift so far. */
  served_per_officer_hour: number
  /** Until the last one is served, at that pace with the officers on shift now. */
  minutes: number
  finish_at: string
}

/** The least time worked that a rate per hour is given for. */
export const MIN_RATE_HOURS = 0.25

/**
 * When the last person in the queue will be served, at the pace of the session so far (served per
 * officer-hour worked) with the officers on shift now; null without a pace (under a quarter of an
 * officer-hour worked, or nobody served yet) or nobody on shift.
 */
export function queueEstimate(input: {
  remaining: number
  served: number
  shiftHours: number
  onShift: number
  now: string
}): Estimate | null {
  if (input.shiftHours < MIN_RATE_HOURS || input.served === 0 || input.onShift === 0) return null
  const pace = input.served / input.shiftHours
  const minutes = Math.ceil((input.remaining / (pace * input.onShift)) * 60)
  return {
    remaining: input.remaining,
    officers_on_shift: input.onShift,
    served_per_officer_hour: round2(pace),
    minutes,
    finish_at: new Date(Date.parse(input.now) + minutes * MINUTE).toISOString(),
  }
}

/** The hour (Vietnam's) a moment falls in, as its start: `2026-11-27T08:00+07:00`. */
export function hourOf(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at)
  const local = new Date(Math.floor(ms / HOUR) * HOUR + VN).toISOString()
  return `${local.slice(0, 13)}:00+07:00`
}

export interface HourCounts {
  /** The hour's start, Vietnam's time. */
  start: string
  received: number
  biometrics: number
  /** Minutes worked on shift in this hour. */
  shift_minutes: number
}

export interface Rates {
  received: number
  biometrics: number
}

export interface OfficerThroughput {
  officer: string
  received: number
  biometrics: number
  shift_hours: number
  /** Per hour on shift; null for an officer with no shift recorded. */
  per_shift_hour: Rates | null
  hours: HourCounts[]
}

export interface Throughput {
  /** The session's hours, from the first shift or step to the last, zeros included. */
  hours: (HourCounts & { officers: number })[]
  officers: OfficerThroughput[]
  totals: { received: number; biometrics: number; shift_hours: number; per_shift_hour: Rates | null; officers: number }
}

/**
 * Applications received and biometrics captured per officer and per hour of the session, beside
 * the minutes each officer was on shift in that hour, and per hour worked. Running shifts count
 * until `until` (now, or the session's close).
 */
export function throughput(steps: readonly q.WorkStep[], shifts: readonly ShiftSpan[], until: string): Throughput {
  const moments = [...steps.map((s) => Date.parse(s.at)), ...shifts.flatMap((s) => [Date.parse(s.starts_at), endOf(s, until) - 1])]
  const first = moments.length ? Math.floor(Math.min(...moments) / HOUR) * HOUR : 0
  const last = moments.length ? Math.floor(Math.max(...moments) / HOUR) * HOUR : -HOUR
  const count = Math.min(MAX_HOURS, (last - first) / HOUR + 1)
  const slots = Array.from({ length: Math.max(0, count) }, (_, i) => first + i * HOUR)
  const slotOf = (ms: number) => {
    const i = Math.floor((ms - first) / HOUR)
    return i >= 0 && i < slots.length ? i : -1
  }
  const officers = [...new Set([...steps.map((s) => s.officer), ...shifts.map((s) => s.officer)])].sort()
  // A rate over minutes says nothing (one application in a minute is "60 an hour"): as for the
  // queue's estimate, none under a quarter of an hour worked.
  const rates = (received: number, biometrics: number, hours: number): Rates | null =>
    hours >= MIN_RATE_HOURS ? { received: round2(received / hours), biometrics: round2(biometrics / hours) } : null
  const byOfficer = officers.map((officer): OfficerThroughput => {
    const hours = slots.map((start) => ({ start: hourOf(start), received: 0, biometrics: 0, shift_minutes: 0 }))
    let received = 0
    let biometrics = 0
    for (const s of steps) {
      if (s.officer !== officer) continue
      const slot = hours[slotOf(Date.parse(s.at))]
      if (s.to_state === 'received') {
        received++
        if (slot) slot.received++
      } else {
        biometrics++
        if (slot) slot.biometrics++
      }
    }
    let worked = 0
    for (const s of shifts) {
      if (s.officer !== officer) continue
      const from = Date.parse(s.starts_at)
      const to = endOf(s, until)
      worked += to - from
      slots.forEach((start, i) => {
        const overlap = Math.min(to, start + HOUR) - Math.max(from, start)
        if (overlap > 0) (hours[i] as HourCounts).shift_minutes += overlap / MINUTE
      })
    }
    for (const h of hours) h.shift_minutes = Math.round(h.shift_minutes)
    const shift_hours = worked / HOUR
    return {
      officer,
      received,
      biometrics,
      shift_hours: round2(shift_hours),
      per_shift_hour: rates(received, biometrics, shift_hours),
      hours,
    }
  })
  const received = byOfficer.reduce((n, o) => n + o.received, 0)
  const biometrics = byOfficer.reduce((n, o) => n + o.biometrics, 0)
  const worked = shifts.reduce((n, s) => n + shiftHours(s, until), 0)
  return {
    hours: slots.map((start, i) => {
      const of = byOfficer.map((o) => o.hours[i] as HourCounts)
      return {
        start: hourOf(start),
        received: of.reduce((n, h) => n + h.received, 0),
        biometrics: of.reduce((n, h) => n + h.biometrics, 0),
        shift_minutes: of.reduce((n, h) => n + h.shift_minutes, 0),
        officers: of.filter((h) => h.shift_minutes > 0).length,
      }
    }),
    officers: byOfficer,
    totals: {
      received,
      biometrics,
      shift_hours: round2(worked),
      per_shift_hour: rates(received, biometrics, worked),
      officers: officers.length,
    },
  }
}

/** Where a waiting ticket stands in the queue (1: next to be called); null once called or done. */
export function positions(tickets: readonly { ticket: number; status: q.TicketStatus; called_at: string | null }[]): Map<number, number> {
  const order = tickets
    .filter((t) => t.status === 'waiting' && !t.called_at)
    .map((t) => t.ticket)
    .sort((a, b) => a - b)
  return new Map(order.map((t, i) => [t, i + 1]))
}

/** The session's day begins at midnight in Vietnam; its shifts start from then. */
export const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString()

// ——— the service ———

export interface SessionView extends q.SessionRow {
  unit_name: string | null
}

export interface ShiftView extends q.ShiftRow {
  running: boolean
  hours: number
}

export interface TicketView extends q.TicketRow {
  /** Place in the queue of those not yet called (1: next). */
  position: number | null
  wait_minutes: number
}

export interface SessionDetail extends SessionView {
  summary: QueueSummary & { applications: number; officers_on_shift: number; estimate: Estimate | null }
  shifts: ShiftView[]
}

const sessionNotFound = () => notFound({ vi: 'đợt cấp lưu động', en: 'Mobile session' })
const ticketNotFound = () => notFound({ vi: 'số thứ tự trong hàng chờ', en: 'Ticket' })
const refused = (code: string, vi: string, en: string, details: Record<string, unknown> = {}) =>
  new AppError('SESSION_REFUSED', { vi, en }, 422, { rule: code, ...details })
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)

const viewOf = (row: q.SessionRow, index: UnitIndex): SessionView => ({
  ...row,
  unit_name: index.on(row.unit_code, row.held_on)?.name ?? index.on(row.unit_code, eraDate(2025))?.name ?? null,
})

function viewTicket(t: q.TicketRow, place: Map<number, number>, now: string): TicketView {
  return { ...t, position: place.get(t.ticket) ?? null, wait_minutes: waitMinutes(t, now) }
}

/** What reads and writes of sessions need, read before the transaction. */
export interface SessionContext {
  scope: string[] | null
  index: UnitIndex
}

export interface NewSessionInput {
  unit_code: string
  place: string
  held_on: string
  note?: string | null | undefined
}

export async function createSession(client: Queryable, actor: Actor, input: NewSessionInput, ctx: SessionContext): Promise<SessionDetail> {
  const province = provinceCode()
  const unit = ctx.index.on(input.unit_code, eraDate(2025))
  if (unit?.level !== 'commune' || unit.province_code !== province) {
    throw badInput(
      {
        vi: `unit_code: "${input.unit_code}" không phải xã, phường hiện hành của tỉnh`,
        en: `unit_code: "${input.unit_code}" is no commune of the province today`,
      },
      { field: 'unit_code', rule: 'unit' },
    )
  }
  if (ctx.scope && !ctx.scope.includes(`${input.unit_code}:2025`)) {
    throw new AppError('FORBIDDEN', { vi: 'Đơn vị này ngoài phạm vi của bạn.', en: 'This unit is outside your scope.' }, 403)
  }
  const place = input.place.trim()
  if (!place) throw badInput({ vi: 'place: cần địa điểm', en: 'place: the place is required' }, { field: 'place', rule: 'required' })
  const id = uuidv7()
  await q.insertSession(client, province, {
    id,
    unit_code: input.unit_code,
    place,
    held_on: input.held_on,
    note: input.note?.trim() || null,
    created_by: actor.name,
  })
  return readSession(client, id, ctx)
}

/** A session with its queue's summary, its shifts and the estimate of when the last person is served. */
export async function readSession(
  client: Queryable,
  id: string,
  ctx: SessionContext,
  now = new Date().toISOString(),
): Promise<SessionDetail> {
  const province = provinceCode()
  const row = isUuid(id) ? await q.session(client, province, id, ctx.scope) : undefined
  if (!row) throw sessionNotFound()
  const [tickets, shifts, applications] = [
    await q.tickets(client, province, id),
    await q.shifts(client, province, id),
    await q.applicationCount(client, province, id),
  ]
  const until = row.closed_at ?? now
  const summary = queueSummary(tickets, now)
  const running = shifts.filter((s) => !s.ends_at && s.starts_at <= now)
  return {
    ...viewOf(row, ctx.index),
    summary: {
      ...summary,
      applications,
      officers_on_shift: row.status === 'open' ? new Set(running.map((s) => s.officer)).size : 0,
      estimate:
        row.status === 'open'
          ? queueEstimate({
              remaining: summary.waiting + summary.called,
              served: summary.served,
              shiftHours: shifts.reduce((n, s) => n + shiftHours(s, until), 0),
              onShift: new Set(running.map((s) => s.officer)).size,
              now,
            })
          : null,
    },
    shifts: shifts.map((s) => ({ ...s, running: !s.ends_at, hours: round2(shiftHours(s, until)) })),
  }
}

export interface SessionQuery {
  unit?: string | undefined
  from?: string | undefined
  to?: string | undefined
  status?: q.SessionStatus | undefined
  after?: string | undefined
  limit: number
}

function readCursor(cursor: string): { day: string; id: string } {
  try {
    const [day, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown]
    if (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && typeof id === 'string' && isUuid(id)) return { day, id }
  } catch {}
  throw badInput({ vi: 'after: con trỏ trang không hợp lệ', en: 'after: not a valid page cursor' }, { field: 'after', rule: 'cursor' })
}

/** Sessions, the latest day first, each with its queue's counts; one page and the next one's cursor. */
export async function listSessions(client: Queryable, query: SessionQuery, ctx: SessionContext) {
  if (query.from && query.to && query.from > query.to) {
    throw badInput({ vi: 'to: trước ngày from', en: 'to: before from' }, { field: 'to', rule: 'order' })
  }
  const rows = await q.sessions(
    client,
    provinceCode(),
    { ...query, after: query.after ? readCursor(query.after) : undefined, limit: query.limit + 1 },
    ctx.scope,
  )
  const page = rows.slice(0, query.limit)
  const last = page[page.length - 1]
  return {
    items: page.map(({ waiting, called, served, left, applications, ...row }) => ({
      ...viewOf(row, ctx.index),
      counts: { waiting, called, served, left, applications },
    })),
    next: rows.length > query.limit && last ? Buffer.from(JSON.stringify([last.held_on, last.id])).toString('base64url') : null,
  }
}

/** The session locked for a change; refused when closed (and, for the queue, before its day). */
async function openSession(client: Queryable, id: string, scope: string[] | null, queue = false): Promise<q.SessionRow> {
  const row = isUuid(id) ? await q.session(client, provinceCode(), id, scope, true) : undefined
  if (!row) throw sessionNotFound()
  if (row.status !== 'open') throw refused('session-closed', 'Đợt cấp lưu động đã đóng.', 'The mobile session is closed.')
  if (queue && row.held_on > today()) {
    throw refused(
      'not-yet-held',
      `Đợt cấp lưu động diễn ra ngày ${row.held_on}: chưa nhận người vào hàng chờ.`,
      `The mobile session is held on ${row.held_on}: nobody queues before then.`,
      { held_on: row.held_on },
    )
  }
  return row
}

export interface CloseInput {
  force?: boolean | undefined
  reason?: string | null | undefined
}

/**
 * Closes a session: refused while people still wait ("hết người mới hết giờ"), unless forced with
 * a reason — those still waiting are then marked as left. Shifts still running end now.
 */
export async function closeSession(client: Queryable, actor: Actor, id: string, input: CloseInput, ctx: SessionContext) {
  const province = provinceCode()
  const row = await openSession(client, id, ctx.scope)
  const now = new Date().toISOString()
  const summary = queueSummary(await q.tickets(client, province, id, 'waiting'), now)
  const waiting = summary.waiting + summary.called
  const reason = input.reason?.trim() || null
  if (waiting > 0) {
    if (!input.force) {
      throw refused(
        'people-waiting',
        `Còn ${waiting} người đang chờ: hết người mới hết giờ. Đóng đợt với force và lý do nếu thật sự phải dừng.`,
        `${waiting} still waiting: the session stays open until the last person is served. Close it with force and a reason if it must stop.`,
        { waiting },
      )
    }
    if (!reason) {
      throw badInput(
        { vi: 'reason: cần lý do đóng đợt khi còn người chờ', en: 'reason: a reason is needed to close with people waiting' },
        { field: 'reason', rule: 'required' },
      )
    }
  }
  const left = waiting > 0 ? await q.leaveAll(client, province, id, now, actor.name) : 0
  const shiftsEnded = await q.endRunningShifts(client, province, id, now)
  await q.closeSession(client, province, id, { at: now, by: actor.name, reason })
  return { session: await readSession(client, row.id, ctx, now), left, shifts_ended: shiftsEnded }
}

/** Reopens a closed session (closed by mistake, or people came back); those marked left stay left. */
export async function reopenSession(client: Queryable, id: string, ctx: SessionContext) {
  const row = isUuid(id) ? await q.session(client, provinceCode(), id, ctx.scope, true) : undefined
  if (!row) throw sessionNotFound()
  if (row.status === 'open') throw refused('open', 'Đợt cấp lưu động đang mở.', 'The mobile session is open.')
  await q.reopenSession(client, provinceCode(), id)
  return readSession(client, id, ctx)
}

// ——— shifts ———

export interface ShiftInput {
  /** A username; default the caller. */
  officer?: string | undefined
  starts_at?: string | undefined
  ends_at?: string | undefined
}

function notFuture(field: string, at: string, now: string): void {
  // A minute's grace for a desk's clock a little ahead of the server's.
  if (Date.parse(at) > Date.parse(now) + MINUTE) {
    throw badInput({ vi: `${field}: ở tương lai`, en: `${field}: in the future` }, { field, rule: 'not-future' })
  }
}

async function noOverlap(
  client: Queryable,
  officer: string,
  from: string,
  to: string | null,
  field: string,
  except?: { session_id: string; seq: number },
) {
  const other = await q.overlappingShift(client, provinceCode(), officer, from, to, except)
  if (other) {
    throw badInput(
      {
        vi: `${field}: trùng với ca của ${officer} từ ${other.starts_at}${other.ends_at ? ` đến ${other.ends_at}` : ' (đang làm)'} tại ${other.place}`,
        en: `${field}: overlaps ${officer}’s shift from ${other.starts_at}${other.ends_at ? ` to ${other.ends_at}` : ' (running)'} at ${other.place}`,
      },
      { field, rule: 'overlap', session_id: other.session_id, seq: other.seq },
    )
  }
}

/** Starts a shift (or records one already worked, with its end) for an officer who may receive in the session's unit. */
export async function startShift(client: Queryable, actor: Actor, id: string, input: ShiftInput, ctx: SessionContext): Promise<ShiftView> {
  const province = provinceCode()
  const row = await openSession(client, id, ctx.scope)
  const now = new Date().toISOString()
  const name = input.officer?.trim() || actor.name
  const user = await q.officer(client, province, name)
  if (!user) {
    throw badInput({ vi: `officer: không có người dùng "${name}"`, en: `officer: no user "${name}"` }, { field: 'officer', rule: 'user' })
  }
  if (!isRole(user.role) || !permissionsOf(user.role).has('cards.manage')) {
    throw badInput(
      { vi: `officer: ${user.username} không có quyền tiếp nhận hồ sơ`, en: `officer: ${user.username} may not receive applications` },
      { field: 'officer', rule: 'permission' },
    )
  }
  if (SCOPED_ROLES.includes(user.role) && !user.units.includes(`${row.unit_code}:2025`)) {
    throw badInput(
      { vi: `officer: ${user.username} không thuộc đơn vị của đợt`, en: `officer: ${user.username} does not work in the session’s unit` },
      { field: 'officer', rule: 'scope' },
    )
  }
  const starts = new Date(input.starts_at ?? now).toISOString()
  const ends = input.ends_at ? new Date(input.ends_at).toISOString() : null
  notFuture('starts_at', starts, now)
  if (starts < dayStart(row.held_on)) {
    throw badInput(
      { vi: `starts_at: trước ngày của đợt (${row.held_on})`, en: `starts_at: before the session’s day (${row.held_on})` },
      { field: 'starts_at', rule: 'session-day' },
    )
  }
  if (ends) {
    notFuture('ends_at', ends, now)
    if (ends <= starts) {
      throw badInput({ vi: 'ends_at: không sau starts_at', en: 'ends_at: not after starts_at' }, { field: 'ends_at', rule: 'order' })
    }
  }
  await q.lockOfficer(client, province, user.username)
  await noOverlap(client, user.username, starts, ends, 'starts_at')
  const seq = await q.insertShift(client, province, id, { officer: user.username, starts_at: starts, ends_at: ends })
  const shift = (await q.shift(client, province, id, seq)) as q.ShiftRow
  return { ...shift, running: !shift.ends_at, hours: round2(shiftHours(shift, now)) }
}

export async function endShift(
  client: Queryable,
  id: string,
  seq: number,
  input: { ends_at?: string | undefined },
  ctx: SessionContext,
): Promise<ShiftView> {
  const province = provinceCode()
  await openSession(client, id, ctx.scope)
  const shift = await q.shift(client, province, id, seq)
  if (!shift) throw notFound({ vi: 'ca làm việc', en: 'Shift' })
  if (shift.ends_at) throw refused('shift-ended', 'Ca này đã kết thúc.', 'This shift has ended.', { ends_at: shift.ends_at })
  const now = new Date().toISOString()
  const ends = new Date(input.ends_at ?? now).toISOString()
  notFuture('ends_at', ends, now)
  if (ends <= shift.starts_at) {
    throw badInput(
      { vi: 'ends_at: không sau lúc bắt đầu ca', en: 'ends_at: not after the shift’s start' },
      { field: 'ends_at', rule: 'order' },
    )
  }
  await q.endShift(client, province, id, seq, ends)
  const ended = (await q.shift(client, province, id, seq)) as q.ShiftRow
  return { ...ended, running: false, hours: round2(shiftHours(ended, now)) }
}

// ——— the queue ———

async function ticketView(client: Queryable, id: string, no: number, now: string): Promise<TicketView> {
  const province = provinceCode()
  const t = (await q.ticket(client, province, id, no)) as q.TicketRow
  return viewTicket(t, positions(await q.tickets(client, province, id, 'waiting')), now)
}

export async function listTickets(client: Queryable, id: string, status: q.TicketStatus | undefined, ctx: SessionContext) {
  const province = provinceCode()
  const row = isUuid(id) ? await q.session(client, province, id, ctx.scope) : undefined
  if (!row) throw sessionNotFound()
  const now = new Date().toISOString()
  const all = await q.tickets(client, province, id)
  const place = positions(all)
  return { items: all.filter((t) => !status || t.status === status).map((t) => viewTicket(t, place, now)) }
}

export interface TicketInput {
  person_id?: string | null | undefined
  name?: string | null | undefined
}

/** A person joins the queue: the next number; from the register, or a name alone for one not found there yet. */
export async function addTicket(client: Queryable, id: string, input: TicketInput, ctx: SessionContext): Promise<TicketView> {
  const province = provinceCode()
  await openSession(client, id, ctx.scope, true)
  let name = input.name?.trim() || null
  if (input.person_id) {
    const registered = await q.personName(client, province, input.person_id)
    if (!registered) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
    const already = await q.waitingTicketOf(client, province, id, input.person_id)
    if (already !== undefined) {
      throw refused('already-waiting', `Người này đang chờ với số ${already}.`, `This person is waiting with ticket ${already}.`, {
        ticket: already,
      })
    }
    name = registered
  }
  if (!name) {
    throw badInput(
      {
        vi: 'name: cần họ tên (hoặc person_id của người trong sổ)',
        en: 'name: a name is needed (or the person_id of one in the register)',
      },
      { field: 'name', rule: 'required' },
    )
  }
  const now = new Date().toISOString()
  const no = await q.insertTicket(client, province, id, { person_id: input.person_id ?? null, name, at: now })
  return ticketView(client, id, no, now)
}

/** Calls the first one waiting to the caller's desk; null when nobody waits. */
export async function callNext(client: Queryable, actor: Actor, id: string, ctx: SessionContext): Promise<TicketView | null> {
  await openSession(client, id, ctx.scope, true)
  const now = new Date().toISOString()
  const no = await q.callNext(client, provinceCode(), id, now, actor.name)
  return no === undefined ? null : ticketView(client, id, no, now)
}

async function waitingTicket(client: Queryable, id: string, no: number): Promise<q.TicketRow> {
  const t = await q.ticket(client, provinceCode(), id, no)
  if (!t) throw ticketNotFound()
  if (t.status !== 'waiting') {
    throw refused(
      'ticket-done',
      t.status === 'served' ? `Số ${no} đã được phục vụ.` : `Số ${no} đã rời hàng chờ.`,
      t.status === 'served' ? `Ticket ${no} has been served.` : `Ticket ${no} has left the queue.`,
      { status: t.status },
    )
  }
  return t
}

/** Serves a ticket with the application received for the person in this session. */
export async function serveTicket(
  client: Queryable,
  actor: Actor,
  id: string,
  no: number,
  applicationId: string,
  ctx: SessionContext,
): Promise<TicketView> {
  const province = provinceCode()
  await openSession(client, id, ctx.scope, true)
  const t = await waitingTicket(client, id, no)
  const a = isUuid(applicationId) ? await q.sessionApplication(client, province, applicationId) : undefined
  if (!a) throw notFound({ vi: 'hồ sơ cấp thẻ', en: 'Application' })
  if (a.session_id !== id) {
    throw badInput(
      {
        vi: 'application_id: hồ sơ không được tiếp nhận trong đợt này',
        en: 'application_id: the application was not received in this session',
      },
      { field: 'application_id', rule: 'session' },
    )
  }
  if (t.person_id && t.person_id !== a.person_id) {
    throw badInput(
      { vi: 'application_id: hồ sơ của người khác', en: 'application_id: the application is another person’s' },
      { field: 'application_id', rule: 'person' },
    )
  }
  const linked = await q.ticketOfApplication(client, province, a.id)
  if (linked) {
    throw badInput(
      { vi: `application_id: đã gắn với số ${linked.ticket}`, en: `application_id: already serves ticket ${linked.ticket}` },
      { field: 'application_id', rule: 'linked' },
    )
  }
  const now = new Date().toISOString()
  await q.finishTicket(client, province, id, no, {
    status: 'served',
    at: now,
    by: actor.name,
    application_id: a.id,
    person_id: a.person_id,
  })
  return ticketView(client, id, no, now)
}

export interface ReceiveTicketInput {
  person_id?: string | null | undefined
  kind: ApplicationKind
  reason?: string | null | undefined
  /** Biometrics captured at the same desk (for a holder 6 or older): the file complete at once. */
  capture?: boolean | undefined
}

/**
 * At the desk in one call: the application received for the ticket's person in this session (the
 * rules by age checked as at the post), their biometrics captured when asked, the ticket served.
 */
export async function receiveForTicket(
  client: Queryable,
  actor: Actor,
  id: string,
  no: number,
  input: ReceiveTicketInput,
  ctx: SessionContext & { receive: ReceiveContext },
): Promise<{ ticket: TicketView; application: ApplicationView }> {
  const province = provinceCode()
  await openSession(client, id, ctx.scope, true)
  const t = await waitingTicket(client, id, no)
  const personId = input.person_id ?? t.person_id
  if (!personId) {
    throw badInput(
      {
        vi: 'person_id: số này chỉ có họ tên — tìm người trong sổ và gửi person_id',
        en: 'person_id: this ticket has a name only — find the person in the register and send their person_id',
      },
      { field: 'person_id', rule: 'required' },
    )
  }
  if (t.person_id && input.person_id && t.person_id !== input.person_id) {
    throw badInput(
      { vi: 'person_id: khác người của số này', en: 'person_id: not the ticket’s person' },
      { field: 'person_id', rule: 'person' },
    )
  }
  let application = await receiveIn(
    client,
    actor,
    { person_id: personId, kind: input.kind, reason: input.reason, session_id: id },
    ctx.receive,
  )
  if (input.capture && application.biometrics) {
    application = await stepIn(client, actor, application.id, { to: 'biometrics_captured' }, { ...ctx.receive, sessionId: id })
  }
  const now = new Date().toISOString()
  await q.finishTicket(client, province, id, no, {
    status: 'served',
    at: now,
    by: actor.name,
    application_id: application.id,
    person_id: personId,
  })
  return { ticket: await ticketView(client, id, no, now), application }
}

/** The person left the queue before being served. */
export async function leaveTicket(client: Queryable, actor: Actor, id: string, no: number, ctx: SessionContext): Promise<TicketView> {
  await openSession(client, id, ctx.scope, true)
  const t = await waitingTicket(client, id, no)
  const now = new Date().toISOString()
  await q.finishTicket(client, provinceCode(), id, no, { status: 'left', at: now, by: actor.name })
  return ticketView(client, id, t.ticket, now)
}

// ——— throughput ———

export async function sessionThroughput(client: Queryable, id: string, ctx: SessionContext) {
  const province = provinceCode()
  const row = isUuid(id) ? await q.session(client, province, id, ctx.scope) : undefined
  if (!row) throw sessionNotFound()
  const until = row.closed_at ?? new Date().toISOString()
  const steps = await q.workSteps(client, province, id, dayStart(row.held_on), row.closed_at)
  const shifts = await q.shifts(client, province, id)
  return { session_id: id, held_on: row.held_on, status: row.status, until, ...throughput(steps, shifts, until) }
}
