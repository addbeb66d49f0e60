// Counting the living register by unit on any day, in either era's map; the work queue of the
// communes the 2025 reorganisation split; the reconciliation of counts before and after it; and
// how fresh each commune's records are. Stays are counted set-wise in SQL (one row per recorded
// unit), then carried onto the asked era's units here, through the crosswalk.
import type { Actor } from '../access/service.ts'
import { hamletOf } from '../geo/address.ts'
import { type Era, eraDate, today } from '../geo/eras.ts'
import { type Gazetteer, gazetteer } from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { badInput } from '../platform/errors.ts'
import { unitToday } from '../register/service.ts'
import * as q from './queries.ts'

/** The last day of the 2024 map, whose communes the 2024 view lists. */
const LAST_2024_DAY = eraDate(2024)
/** The last day before the 1 Nov 2024 mergers. */
const BEFORE_2024_11 = '2024-10-31'

export interface Line {
  /**
   * A unit of the era, or a line of people no unit of it holds yet: `split:OLD` (a split commune's
   * households not placed by an officer), `new:CODE` (2024 view: a stay recorded under a 2025
   * unit made of several old communes), `unknown:CODE` (a code the map does not know).
   */
  unit: string
  name: string | null
  persons: number
}

/** Where a stay counts on the asked era's map. */
export interface Mapper {
  era: Era
  units: { code: string; name: string }[]
  lineOf(code: string, era: number, placed: string | null): string
}

export async function mapper(db: Db, era: Era): Promise<Mapper> {
  const g = await gazetteer(db.kysely)
  const units = g.index
    .list({
      on: eraDate(era),
      province: provinceCode(),
      level: 'commune',
    })
    .map((u) => ({ code: u.code, name: u.name }))
  const known = new Set(units.map((u) => u.code))
  const cache = new Map<string, string>()
  const predecessors = era === 2024 ? predecessorsOf(g, units) : new Map<string, string[]>()
  const lineOf = (code: string, recordedEra: number, placed: string | null): string => {
    const key = `${code}|${recordedEra}|${placed ?? ''}`
    let line = cache.get(key)
    if (line === undefined) {
      line = era === 2025 ? line2025(g, known, code, recordedEra, placed) : line2024(g, known, predecessors, code, recordedEra)
      cache.set(key, line)
    }
    return line
  }
  return { era, units, lineOf }
}

function line2025(g: Gazetteer, known: Set<string>, code: string, era: number, placed: string | null): string {
  if (era === 2025) return known.has(code) ? code : `unknown:${code}`
  const t = unitToday(g, code, era, null)
  if (t.unit) return t.unit
  if (t.candidates.length === 0) return `unknown:${code}`
  return placed && t.candidates.includes(placed) ? placed : `split:${code}`
}

function line2024(g: Gazetteer, known: Set<string>, predecessors: Map<string, string[]>, code: string, era: number): string {
  if (era === 2024) {
    if (known.has(code)) return code
    // A commune dissolved on 1 Nov 2024 counts in the one commune it went to wholly.
    const version = g.index
      .versions(code)
      .filter((v) => v.era === 2024)
      .at(-1)
    const next = version ? g.next(code, version.valid_from) : []
    const only = next[0]
    return next.length === 1 && only?.portion === 'whole' && known.has(only.code) ? only.code : `unknown:${code}`
  }
  const from = predecessors.get(code) ?? []
  return from.length === 1 ? (from[0] as string) : `new:${code}`
}

/** For each unit of today, the 2024 communes whose area (wholly or in part) it took. */
function predecessorsOf(g: Gazetteer, old: { code: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const u of old) {
    const version = g.index.on(u.code, LAST_2024_DAY)
    if (!version) continue
    for (const s of g.successors(u.code, version.valid_from)) out.set(s.code, [...(out.get(s.code) ?? []), u.code])
  }
  return out
}

function lines(m: Mapper, counts: { unit_code: string; era: number; placed: string | null; n: number }[]): Line[] {
  const byLine = new Map<string, Line>(m.units.map((u) => [u.code, { unit: u.code, name: u.name, persons: 0 }]))
  for (const c of counts) {
    const unit = m.lineOf(c.unit_code, c.era, c.placed)
    const line = byLine.get(unit) ?? { unit, name: null, persons: 0 }
    line.persons += c.n
    byLine.set(unit, line)
  }
  // The era's units in code order, then the lines of people no unit holds.
  return [...byLine.values()].sort((a, b) => Number(a.unit.includes(':')) - Number(b.unit.includes(':')) || a.unit.localeCompare(b.unit))
}

/** Whether a line of counts concerns the caller's units (scope null: the whole province). */
export function lineInScope(scope: string[] | null, line: string, era: Era): boolean {
  if (scope === null) return true
  const [prefix, code] = line.includes(':') ? (line.split(':') as [string, string]) : ['', line]
  if (prefix === '') return scope.includes(`${code}:${era}`)
  if (prefix === 'split') return scope.includes(`${code}:2024`)
  return false
}

export interface Population {
  on: string
  era: Era
  lines: Line[]
}

/** Persons living on a day, one line per unit of the era (zeros included), then unplaced lines. */
export async function population(db: Db, on: string, era: Era = 2025): Promise<Population> {
  const m = await mapper(db, era)
  const counts = await q.populationOn(db.pool, provinceCode(), on)
  return {
    on,
    era,
    lines: lines(
      m,
      counts.map((c) => ({ ...c, n: c.persons })),
    ),
  }
}

export interface UnitPopulation {
  on: string
  era: Era
  unit: string
  name: string
  persons: number
  /** The recorded units its count came from (old-era units carried through the crosswalk). */
  recorded: { unit_code: string; era: number; persons: number }[]
  /** People of split communes that may lie in this unit but are not placed yet. */
  unplaced: { line: string; persons: number }[]
}

export async function unitPopulation(db: Db, unit: string, on: string, era: Era = 2025): Promise<UnitPopulation> {
  const m = await mapper(db, era)
  const found = m.units.find((u) => u.code === unit)
  if (!found) {
    throw badInput(
      { vi: `Không có đơn vị mã ${unit} trong kỳ ${era}.`, en: `There is no unit with code ${unit} in the ${era} map.` },
      { field: 'unit' },
    )
  }
  const g = await gazetteer(db.kysely)
  const counts = await q.populationOn(db.pool, provinceCode(), on)
  const recorded = new Map<string, { unit_code: string; era: number; persons: number }>()
  const unplaced = new Map<string, number>()
  for (const c of counts) {
    const line = m.lineOf(c.unit_code, c.era, c.placed)
    if (line === unit) {
      const key = `${c.unit_code}|${c.era}`
      const r = recorded.get(key) ?? { unit_code: c.unit_code, era: c.era, persons: 0 }
      r.persons += c.persons
      recorded.set(key, r)
    } else if (line.startsWith('split:') && era === 2025 && unitToday(g, c.unit_code, c.era, null).candidates.includes(unit)) {
      unplaced.set(line, (unplaced.get(line) ?? 0) + c.persons)
    }
  }
  const rec = [...recorded.values()].sort((a, b) => a.unit_code.localeCompare(b.unit_code) || a.era - b.era)
  return {
    on,
    era,
    unit,
    name: found.name,
    persons: rec.reduce((n, r) => n + r.persons, 0),
    recorded: rec,
    unplaced: [...unplaced].map(([line, persons]) => ({ line, persons })),
  }
}

export interface UnitCount {
  /** A unit of today, or `split:OLDCODE` for a split commune's people and households not placed yet. */
  unit: string
  persons: number
  households: number
}

/**
 * Living persons (their stays of today) and households (by the unit they were recorded in, with
 * their placement) per unit of today, within the caller's units: the overview's table.
 */
export async function overview(db: Db, scope: string[] | null): Promise<UnitCount[]> {
  const m = await mapper(db, 2025)
  const out = new Map<string, UnitCount>()
  const add = (line: string, field: 'persons' | 'households', n: number) => {
    const row = out.get(line) ?? { unit: line, persons: 0, households: 0 }
    row[field] += n
    out.set(line, row)
  }
  for (const c of await q.populationOn(db.pool, provinceCode(), today())) add(m.lineOf(c.unit_code, c.era, c.placed), 'persons', c.persons)
  for (const h of await q.householdCounts(db.pool, provinceCode())) add(m.lineOf(h.unit_code, h.era, h.placed), 'households', h.n)
  return [...out.values()].filter((r) => lineInScope(scope, r.unit, 2025)).sort((a, b) => a.unit.localeCompare(b.unit))
}

// ——— the 2025 reorganisation ———

export interface SplitCommune {
  old_code: string
  old_name: string
  successors: { code: string; name: string }[]
  households: number
  persons: number
  unplaced_households: number
  hamlets: {
    hamlet: string | null
    households: number
    persons: number
    unplaced: number
    /** Households placed per unit of today. */
    placed: Record<string, number>
  }[]
}

/** The old communes the reform split, each with the hamlets of its households living there today. */
async function splitCommunes(g: Gazetteer, scope: string[] | null) {
  const out: { code: string; name: string; successors: { code: string; name: string }[] }[] = []
  // The communes of 2024 in both of its maps: before 1 Nov 2024 (the six dissolved then) and after.
  const before = g.index.list({ on: BEFORE_2024_11, province: provinceCode(), level: 'commune' })
  const after = g.index.list({ on: LAST_2024_DAY, province: provinceCode(), level: 'commune' })
  const communes = [...new Map([...before, ...after].map((u) => [u.code, u])).values()].sort((a, b) => a.code.localeCompare(b.code))
  for (const u of communes) {
    if (scope && !scope.includes(`${u.code}:2024`)) continue
    const t = unitToday(g, u.code, 2024, null)
    if (t.unit === null && t.candidates.length > 0) {
      out.push({
        code: u.code,
        name: u.name,
        successors: t.candidates.map((c) => ({ code: c, name: g.index.on(c, eraDate(2025))?.name ?? c })),
      })
    }
  }
  return out
}

/** The work queue: households of split communes, by hamlet, with what is placed where. */
export async function splitQueue(db: Db, scope: string[] | null): Promise<SplitCommune[]> {
  const g = await gazetteer(db.kysely)
  const communes = await splitCommunes(g, scope)
  const subjects = await q.splitSubjects(
    db.pool,
    provinceCode(),
    communes.map((c) => c.code),
    today(),
  )
  return communes.map((c) => {
    const mine = subjects.filter((s) => s.old_code === c.code)
    const hamlets = new Map<string, SplitCommune['hamlets'][number]>()
    for (const s of mine) {
      const hamlet = hamletOf(s.address)
      const key = hamlet ?? ''
      const h = hamlets.get(key) ?? { hamlet, households: 0, persons: 0, unplaced: 0, placed: {} }
      h.households++
      h.persons += s.persons
      if (s.placed) h.placed[s.placed] = (h.placed[s.placed] ?? 0) + 1
      else h.unplaced++
      hamlets.set(key, h)
    }
    return {
      old_code: c.code,
      old_name: c.name,
      successors: c.successors,
      households: mine.length,
      persons: mine.reduce((n, s) => n + s.persons, 0),
      unplaced_households: mine.filter((s) => !s.placed).length,
      hamlets: [...hamlets.values()].sort((a, b) => (a.hamlet ?? '\uffff').localeCompare(b.hamlet ?? '\uffff', 'vi', { numeric: true })),
    }
  })
}

export interface Placement {
  old_code: string
  unit_code: string
  /** Every household of the old commune in this hamlet (null: those whose address names none). */
  hamlet?: string | null
  /** Or these households (or persons without one). */
  subjects?: string[]
}

/** Places households of a split commune in one of its successors (again, to change it); `unit_code` null takes placements back. */
export async function placeSplit(
  g: Gazetteer,
  client: Queryable,
  actor: Actor,
  p: Omit<Placement, 'unit_code'> & { unit_code: string | null },
): Promise<number> {
  const commune = (await splitCommunes(g, actor.scope)).find((c) => c.code === p.old_code)
  if (!commune) {
    throw badInput(
      { vi: `${p.old_code} không phải xã bị chia trong phạm vi của bạn.`, en: `${p.old_code} is not a split commune within your units.` },
      { field: 'old_code' },
    )
  }
  if (p.unit_code !== null && !commune.successors.some((s) => s.code === p.unit_code)) {
    throw badInput(
      {
        vi: `${p.unit_code} không phải đơn vị kế tiếp của ${commune.name} (${commune.successors.map((s) => s.code).join(', ')}).`,
        en: `${p.unit_code} is not a successor of ${commune.name} (${commune.successors.map((s) => s.code).join(', ')}).`,
      },
      { field: 'unit_code' },
    )
  }
  const subjects = await q.splitSubjects(client, provinceCode(), [p.old_code], today())
  const chosen = subjects
    .filter((s) => (p.subjects ? p.subjects.includes(s.subject_id) : p.hamlet === undefined || hamletOf(s.address) === p.hamlet))
    .map((s) => s.subject_id)
  if (chosen.length === 0) {
    throw badInput({ vi: 'Không có hộ nào khớp để xếp.', en: 'No household matches.' }, { field: p.subjects ? 'subjects' : 'hamlet' })
  }
  return p.unit_code === null
    ? q.unplace(client, provinceCode(), chosen, p.old_code)
    : q.place(client, provinceCode(), chosen, p.old_code, p.unit_code, actor.name)
}

export interface Reconciliation {
  on: string
  /** Per old commune: its households and persons, and where they are counted today. */
  old: { code: string; households: number; persons: number; to: { line: string; households: number; persons: number }[] }[]
  /** Per unit of today: counted directly, and the sum of what flowed into it; they must agree. */
  new: { code: string; households: number; persons: number; inflow_households: number; inflow_persons: number; difference: boolean }[]
  unplaced: { households: number; persons: number }
}

/**
 * Counts before and after the reform, side by side: what each old commune's households and
 * persons became, and whether each new unit's own count equals what flowed into it.
 */
export async function reconcile(db: Db, on = today()): Promise<Reconciliation> {
  const m = await mapper(db, 2025)
  const rows = await q.householdsOn(db.pool, provinceCode(), on)
  const old = new Map<string, Reconciliation['old'][number]>()
  const direct = new Map<string, { households: Set<string>; persons: number }>()
  const inflow = new Map<string, { households: number; persons: number }>()
  let unplacedH = 0
  let unplacedP = 0
  for (const r of rows) {
    const line = m.lineOf(r.unit_code, r.era, r.placed)
    const d = direct.get(line) ?? { households: new Set(), persons: 0 }
    for (const h of r.household_ids) d.households.add(h)
    d.persons += r.persons
    direct.set(line, d)
    if (line.startsWith('split:')) {
      unplacedH += r.household_ids.length
      unplacedP += r.persons
    }
    if (r.era !== 2024) continue
    const o = old.get(r.unit_code) ?? { code: r.unit_code, households: 0, persons: 0, to: [] }
    o.households += r.household_ids.length
    o.persons += r.persons
    const to = o.to.find((t) => t.line === line) ?? o.to[o.to.push({ line, households: 0, persons: 0 }) - 1]
    if (to) {
      to.households += r.household_ids.length
      to.persons += r.persons
    }
    old.set(r.unit_code, o)
    const i = inflow.get(line) ?? { households: 0, persons: 0 }
    i.households += r.household_ids.length
    i.persons += r.persons
    inflow.set(line, i)
  }
  // 2025-era records count toward their unit directly and are their own inflow.
  for (const r of rows) {
    if (r.era === 2024) continue
    const line = m.lineOf(r.unit_code, r.era, r.placed)
    const i = inflow.get(line) ?? { households: 0, persons: 0 }
    i.households += r.household_ids.length
    i.persons += r.persons
    inflow.set(line, i)
  }
  return {
    on,
    old: [...old.values()].sort((a, b) => a.code.localeCompare(b.code)),
    new: m.units.map((u) => {
      const d = direct.get(u.code)
      const i = inflow.get(u.code) ?? { households: 0, persons: 0 }
      const households = d?.households.size ?? 0
      const persons = d?.persons ?? 0
      return {
        code: u.code,
        households,
        persons,
        inflow_households: i.households,
        inflow_persons: i.persons,
        difference: households !== i.households || persons !== i.persons,
      }
    }),
    unplaced: { households: unplacedH, persons: unplacedP },
  }
}

/** The reconciliation of the caller's units: their old communes and units of today. */
export function scopedReconciliation(r: Reconciliation, scope: string[] | null): Reconciliation {
  if (scope === null) return r
  const old = r.old.filter((o) => scope.includes(`${o.code}:2024`))
  const unplaced = old.flatMap((o) => o.to.filter((t) => t.line.startsWith('split:')))
  return {
    on: r.on,
    old,
    new: r.new.filter((u) => scope.includes(`${u.code}:2025`)),
    unplaced: { households: unplaced.reduce((n, t) => n + t.households, 0), persons: unplaced.reduce((n, t) => n + t.persons, 0) },
  }
}

// ——— freshness ———

export interface Freshness {
  unit: string
  name: string | null
  persons: number
  /** Share of persons whose record was collected, confirmed or updated in the last 12 months. */
  confirmed_share: number | null
  awaiting_number: number
  temporary_expired: number
  over_100_unconfirmed: number
  households_without_head: number
}

export async function freshness(db: Db, on = today()): Promise<Freshness[]> {
  const m = await mapper(db, 2025)
  const since = `${Number(on.slice(0, 4)) - 1}${on.slice(4)}`
  const rows = await q.freshness(db.pool, provinceCode(), on, since)
  const headless = await q.headlessHouseholds(db.pool, provinceCode())
  const empty = (unit: string, name: string | null) => ({
    unit,
    name,
    persons: 0,
    confirmed: 0,
    confirmed_share: null,
    awaiting_number: 0,
    temporary_expired: 0,
    over_100_unconfirmed: 0,
    households_without_head: 0,
  })
  const out = new Map<string, Freshness & { confirmed: number }>(m.units.map((u) => [u.code, empty(u.code, u.name)]))
  const row = (unit: string) => {
    let f = out.get(unit)
    if (!f) {
      f = empty(unit, null)
      out.set(unit, f)
    }
    return f
  }
  for (const r of rows) {
    const f = row(m.lineOf(r.unit_code, r.era, r.placed))
    f.persons += r.persons
    f.confirmed += r.confirmed
    f.awaiting_number += r.awaiting_number
    f.temporary_expired += r.temporary_expired
    f.over_100_unconfirmed += r.over_100_unconfirmed
  }
  for (const h of headless) row(m.lineOf(h.unit_code, h.era, null)).households_without_head += h.n
  return [...out.values()].map(({ confirmed, ...f }) => ({ ...f, confirmed_share: f.persons > 0 ? confirmed / f.persons : null }))
}
