// geo's public functions: what other modules, the routes and the CLI call.
import type { Kysely } from 'kysely'
import { provinceCode } from '../platform/config.ts'
import type { Tables } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import { collapseSpaces, exactKey, foldKey, nfc } from '../text/vietnamese.ts'
import { addressKeys, type Resolution, resolveAddress as resolveText } from './address.ts'
import { type Era, eraDate, isIsoDate, openDate, today } from './eras.ts'
import type { Level, Portion } from './gazetteer.ts'
import * as q from './queries.ts'
import { UnitIndex, type UnitRecord } from './unit-index.ts'

type Db = Kysely<Tables>

const indexes = new WeakMap<Db, Promise<UnitIndex>>()

/** The units of this database, read once (see unit-index.ts). */
export function unitIndex(db: Db): Promise<UnitIndex> {
  let index = indexes.get(db)
  if (!index) {
    index = q.allUnits(db).then((rows) => new UnitIndex(rows))
    index.catch(() => indexes.delete(db))
    indexes.set(db, index)
  }
  return index
}

/** After new reference data is loaded. */
export function forgetUnits(db: Db) {
  indexes.delete(db)
}

/** When a unit is meant: a date, or an era; neither means today. */
export interface When {
  on?: string | undefined
  era?: Era | undefined
}

export function dateOf(when: When = {}): string {
  if (when.on !== undefined) {
    if (!isIsoDate(when.on)) {
      throw badInput(
        { vi: `Ngày "${when.on}" không hợp lệ: dùng dạng YYYY-MM-DD.`, en: `Invalid date "${when.on}": use YYYY-MM-DD.` },
        { field: 'on', rule: 'iso-date' },
      )
    }
    return when.on
  }
  return when.era ? eraDate(when.era) : today()
}

export interface Unit {
  code: string
  name: string
  type: string
  level: Level
  era: Era
  valid_from: string | null
  valid_to: string | null
  parent_code: string | null
  parent_name: string | null
  province_code: string
}

function present(r: UnitRecord): Unit {
  return {
    code: r.code,
    name: r.name,
    type: r.type,
    level: r.level,
    era: r.era,
    valid_from: openDate(r.valid_from),
    valid_to: openDate(r.valid_to),
    parent_code: r.parent_code,
    parent_name: r.parent_name,
    province_code: r.province_code,
  }
}

const unitNotFound = (code: string, on: string) =>
  notFound({ vi: `đơn vị hành chính mã ${code} vào ngày ${on}`, en: `Administrative unit ${code} on ${on}` }, { code, on })

export async function getUnit(db: Db, code: string, when: When = {}): Promise<Unit> {
  const on = dateOf(when)
  const row = (await unitIndex(db)).on(code, on)
  if (!row) throw unitNotFound(code, on)
  return present(row)
}

/** The unit a code meant on a date, or undefined: for validation, where absence is a finding. */
export async function findUnit(db: Db, code: string, when: When = {}): Promise<Unit | undefined> {
  const row = (await unitIndex(db)).on(code, dateOf(when))
  return row && present(row)
}

/** Every period a code was used in, oldest first. */
export async function unitHistory(db: Db, code: string): Promise<Unit[]> {
  return (await unitIndex(db)).versions(code).map(present)
}

export interface ListFilter extends When {
  parent?: string | undefined
  level?: Level | undefined
  q?: string | undefined
}

/**
 * Units in force on the date under the province coso serves (provinces with `level=province`);
 * with `q`, those whose name matches, best match first.
 */
export async function listUnits(db: Db, filter: ListFilter = {}): Promise<Unit[]> {
  const on = dateOf(filter)
  const fold = filter.q === undefined ? undefined : foldKey(filter.q)
  const rows = (await unitIndex(db)).list({ on, province: provinceCode(), parent: filter.parent, level: filter.level, fold })
  return (fold ? rank(rows, filter.q as string) : rows).map(present)
}

/** Name search over every era (the same name can be an old and a new unit). */
export async function searchUnits(db: Db, text: string, when?: When): Promise<Unit[]> {
  const fold = foldKey(text)
  if (!fold) return []
  const on = when && (when.on || when.era) ? dateOf(when) : undefined
  return rank((await unitIndex(db)).search(fold, on), text).map(present)
}

/** Exact name (tones and all) first, then exact folded name, then the rest; newest era first. */
function rank(rows: UnitRecord[], text: string): UnitRecord[] {
  const fold = foldKey(text)
  const exact = exactKey(text)
  const score = (r: UnitRecord) =>
    (exactKey(r.short_name) === exact || exactKey(r.name) === exact ? 0 : 2) + (r.short_fold_key === fold || r.fold_key === fold ? 0 : 1)
  return [...rows].sort((a, b) => score(a) - score(b) || b.era - a.era || a.code.localeCompare(b.code))
}

export interface Successor {
  code: string
  name: string
  portion: Portion
  era: Era
  valid_from: string | null
}

/**
 * The units in force today that an old unit became, following each step (1 Nov 2024, then
 * 1 Jul 2025); `part` if any step split it. Without a date, the code means its last ended
 * period: the one whose successors are asked for.
 */
export async function successors(db: Db, code: string, when: When = {}): Promise<Successor[]> {
  const version = await endedVersion(db, code, when)
  return walkSuccessors(await unitIndex(db), await q.allSuccessions(db), version.code, version.valid_from)
}

type SuccessionGraph = Map<string, q.SuccessorRecord[]>

function walkSuccessors(index: UnitIndex, graph: SuccessionGraph, code: string, validFrom: string): Successor[] {
  const out = new Map<string, Successor>()
  const walk = (from: string, fromValid: string, portion: Portion, depth: number) => {
    for (const s of graph.get(`${from}@${fromValid}`) ?? []) {
      const p: Portion = portion === 'part' || s.portion === 'part' ? 'part' : 'whole'
      const next = index.on(s.code, s.valid_from)
      if (next && next.valid_to === 'infinity') {
        const prev = out.get(s.code)
        // Reached whole along one path and in part along another: it holds only part.
        out.set(s.code, {
          code: s.code,
          name: s.name,
          portion: prev && prev.portion !== p ? 'part' : p,
          era: s.era,
          valid_from: openDate(s.valid_from),
        })
      } else if (depth < 4) {
        walk(s.code, s.valid_from, p, depth + 1)
      }
    }
  }
  walk(code, validFrom, 'whole', 0)
  return [...out.values()].sort((a, b) => a.code.localeCompare(b.code))
}

/**
 * A unit in force and every older unit-period that became it (wholly or in part): residences
 * recorded under any of them lie, at least partly, in this unit today.
 */
export async function unitWithPredecessors(db: Db, code: string, when: When = {}): Promise<{ code: string; era: Era }[]> {
  const on = dateOf(when)
  const index = await unitIndex(db)
  const unit = index.on(code, on)
  if (!unit) throw unitNotFound(code, on)
  const graph = await q.allSuccessions(db)
  const out = [{ code: unit.code, era: unit.era }]
  for (const key of graph.keys()) {
    const [from, validFrom] = key.split('@') as [string, string]
    const old = index.on(from, validFrom === '-infinity' ? '1900-01-01' : validFrom)
    if (old && walkSuccessors(index, graph, from, validFrom).some((s) => s.code === unit.code)) out.push({ code: old.code, era: old.era })
  }
  return out
}

/** What a long run (an import) needs of geo, read once and answered without waiting. */
export interface Gazetteer {
  index: UnitIndex
  successors(code: string, validFrom: string): Successor[]
  /** The units a unit-period went to in one step (the next reform only). */
  next(code: string, validFrom: string): { code: string; valid_from: string; portion: Portion }[]
  resolveAddress(text: string, on?: string): Resolution
}

export async function gazetteer(db: Db): Promise<Gazetteer> {
  const index = await unitIndex(db)
  const graph = await q.allSuccessions(db)
  return {
    index,
    successors: (code, validFrom) => walkSuccessors(index, graph, code, validFrom),
    next: (code, validFrom) =>
      (graph.get(`${code}@${validFrom}`) ?? []).map((s) => ({ code: s.code, valid_from: s.valid_from, portion: s.portion })),
    resolveAddress: (text, on) => resolveText(text, index.byShortFold(addressKeys(text)), on, provinceCode()),
  }
}

async function endedVersion(db: Db, code: string, when: When): Promise<UnitRecord> {
  const index = await unitIndex(db)
  if (when.on !== undefined || when.era !== undefined) {
    const on = dateOf(when)
    const row = index.on(code, on)
    if (!row) throw unitNotFound(code, on)
    return row
  }
  const versions = index.versions(code)
  const ended = versions.filter((v) => v.valid_to !== 'infinity')
  const version = ended[ended.length - 1] ?? versions[versions.length - 1]
  if (!version) throw unitNotFound(code, today())
  return version
}

/**
 * Records a successor the law did not name (Yết Kiêu, dissolved 1 Nov 2024, is the known case).
 * Refused where the reference data already says where the unit went.
 */
export async function setSuccessor(db: Db, code: string, successorCode: string, portion: Portion, when: When = {}): Promise<Successor[]> {
  const from = await endedVersion(db, code, when)
  if (from.valid_to === 'infinity') {
    throw badInput({
      vi: `Đơn vị ${code} (${from.name}) vẫn đang có hiệu lực: chưa có đơn vị kế tiếp.`,
      en: `Unit ${code} (${from.name}) is still in force: it has no successor yet.`,
    })
  }
  const existing = await q.successorsOf(db, from.code, from.valid_from)
  if (existing.some((s) => !s.set_by_admin)) {
    throw new AppError(
      'SUCCESSOR_IN_LAW',
      {
        vi: `Đơn vị kế tiếp của ${from.name} đã được quy định (${existing[0]?.source}); không sửa bằng tay.`,
        en: `The successor of ${from.name} is set by law (${existing[0]?.source}); it cannot be changed by hand.`,
      },
      409,
    )
  }
  const to = (await unitIndex(db)).on(successorCode, from.valid_to)
  if (!to) throw unitNotFound(successorCode, from.valid_to)
  await q.insertSuccession(db, {
    from_code: from.code,
    from_valid_from: from.valid_from,
    to_code: to.code,
    to_valid_from: to.valid_from,
    portion,
    source: 'admin',
  })
  return successors(db, code, when.on || when.era ? when : {})
}

/** Free-text address → candidate units with a confidence; `on` favours that day's units. */
export async function resolveAddress(db: Db, text: string, on?: string): Promise<Resolution> {
  if (on !== undefined) dateOf({ on })
  const units = (await unitIndex(db)).byShortFold(addressKeys(text))
  const resolution = resolveText(text, units, on, provinceCode())
  return {
    ...resolution,
    candidates: resolution.candidates.map((c) => ({
      ...c,
      valid_from: openDate(c.valid_from) as string,
      valid_to: openDate(c.valid_to) as string,
    })),
  }
}

// ——— hamlets ———

export interface Hamlet {
  id: string
  unit_code: string
  unit_valid_from: string | null
  name: string
  kind: string
}

const HAMLET_KINDS: [RegExp, string][] = [
  [/^thon\b/, 'thôn'],
  [/^ban\b/, 'bản'],
  [/^khu\b/, 'khu'],
  [/^to\b/, 'tổ'],
  [/^xom\b/, 'xóm'],
  [/^ap\b/, 'ấp'],
  [/^lang\b/, 'làng'],
]

export function hamletKind(name: string): string {
  const fold = foldKey(name)
  return HAMLET_KINDS.find(([re]) => re.test(fold))?.[1] ?? 'khác'
}

const presentHamlet = (h: q.HamletRow): Hamlet => ({
  id: h.id,
  unit_code: h.unit_code,
  unit_valid_from: openDate(h.unit_valid_from),
  name: h.name,
  kind: h.kind,
})

export interface HamletInput {
  name: string
  kind?: string | undefined
}

export interface HamletsAdded {
  added: Hamlet[]
  /** Names already present in the unit (compared ignoring case and tone placement). */
  existing: string[]
}

/** Adds hamlets to a commune; a name already there is reported, not doubled. */
export async function addHamlets(db: Db, unitCode: string, inputs: HamletInput[], when: When = {}): Promise<HamletsAdded> {
  const unit = (await unitIndex(db)).on(unitCode, dateOf(when))
  if (!unit) throw unitNotFound(unitCode, dateOf(when))
  if (unit.level !== 'commune') {
    throw badInput({
      vi: `Thôn/tổ chỉ thuộc một xã/phường; ${unit.name} là cấp ${unit.level === 'district' ? 'huyện' : 'tỉnh'}.`,
      en: `Hamlets belong to a commune; ${unit.name} is a ${unit.level}.`,
    })
  }
  const rows = new Map<string, q.HamletRow>()
  for (const input of inputs) {
    const name = collapseSpaces(nfc(input.name))
    if (!name || name.length > 200) {
      throw badInput(
        { vi: 'Tên thôn/tổ phải có từ 1 đến 200 ký tự.', en: 'A hamlet name must have 1 to 200 characters.' },
        { field: 'name', rule: 'length' },
      )
    }
    const key = exactKey(name)
    if (rows.has(key)) continue
    rows.set(key, {
      province_code: unit.province_code,
      id: uuidv7(),
      unit_code: unit.code,
      unit_valid_from: unit.valid_from,
      name,
      kind: input.kind ?? hamletKind(name),
      exact_key: key,
    })
  }
  const inserted = await q.insertHamlets(db, [...rows.values()])
  const insertedKeys = new Set(inserted.map((h) => h.exact_key))
  return {
    added: inserted.map(presentHamlet),
    existing: [...rows.values()].filter((r) => !insertedKeys.has(r.exact_key)).map((r) => r.name),
  }
}

export async function listHamlets(db: Db, unitCode: string, when: When = {}): Promise<Hamlet[]> {
  const on = dateOf(when)
  const unit = (await unitIndex(db)).on(unitCode, on)
  if (!unit) throw unitNotFound(unitCode, on)
  return (await q.hamletsOf(db, unit.code, unit.valid_from)).map(presentHamlet)
}

export interface HamletImportReport {
  added: number
  existing: number
  rejected: { row: number; field: string; rule: string; message: { vi: string; en: string } }[]
}

// Header cells are compared folded ("Mã xã" → "ma xa", "unit_code" → "unit code").
const HAMLET_COLUMNS: Record<string, 'unit_code' | 'name' | 'kind'> = {
  'unit code': 'unit_code',
  'ma xa': 'unit_code',
  'ma don vi': 'unit_code',
  name: 'name',
  ten: 'name',
  'ten thon': 'name',
  kind: 'kind',
  loai: 'kind',
}

/** CSV with `unit_code,name[,kind]` (or Vietnamese headers); rows naming no known unit are reported. */
export async function importHamlets(db: Db, rows: string[][], when: When = {}): Promise<HamletImportReport> {
  const [header, ...body] = rows
  if (!header) throw badInput({ vi: 'Tệp rỗng.', en: 'The file is empty.' })
  const columns = header.map((h) => HAMLET_COLUMNS[foldKey(h)])
  const at = (key: 'unit_code' | 'name' | 'kind') => columns.indexOf(key)
  for (const required of ['unit_code', 'name'] as const) {
    if (at(required) < 0) {
      throw badInput(
        {
          vi: `Thiếu cột bắt buộc "${required}" (dòng tiêu đề: ${header.join(', ')}).`,
          en: `Missing required column "${required}" (header: ${header.join(', ')}).`,
        },
        { row: 1, field: required, rule: 'required-column' },
      )
    }
  }
  const report: HamletImportReport = { added: 0, existing: 0, rejected: [] }
  const byUnit = new Map<string, { row: number; input: HamletInput }[]>()
  body.forEach((cells, i) => {
    const row = i + 2
    const code = (cells[at('unit_code')] ?? '').trim()
    const name = (cells[at('name')] ?? '').trim()
    const kind = at('kind') >= 0 ? (cells[at('kind')] ?? '').trim() || undefined : undefined
    if (!name) {
      report.rejected.push({
        row,
        field: 'name',
        rule: 'required',
        message: { vi: 'Thiếu tên thôn/tổ.', en: 'The hamlet name is missing.' },
      })
      return
    }
    byUnit.set(code, [...(byUnit.get(code) ?? []), { row, input: { name, kind } }])
  })
  for (const [code, entries] of byUnit) {
    const unit = /^\d{5}$/.test(code) ? (await unitIndex(db)).on(code, dateOf(when)) : undefined
    if (unit?.level !== 'commune') {
      for (const e of entries) {
        report.rejected.push({
          row: e.row,
          field: 'unit_code',
          rule: 'known-commune',
          message: {
            vi: `Mã xã "${code}" không có hiệu lực vào ngày ${dateOf(when)}.`,
            en: `Commune code "${code}" is not in force on ${dateOf(when)}.`,
          },
        })
      }
      continue
    }
    const result = await addHamlets(
      db,
      code,
      entries.map((e) => e.input),
      when,
    )
    report.added += result.added.length
    report.existing += entries.length - result.added.length
  }
  report.rejected.sort((a, b) => a.row - b.row)
  return report
}
