// Due lists and the cards people already hold. Recording a card from before coso (its expiry
// from the card rules), a person's cards with the one in force, importing a file of them; and the
// door-to-door lists — reaching a renewal age in the next months, 14 or older without a valid
// card, card expired — per unit of today within the caller's units, as pages, files (CSV, XLSX)
// and counts per commune.
import { basename } from 'node:path'
import type { Writable } from 'node:stream'
import { type Actor, writeAudit } from '../access/service.ts'
import { csvSink, Output, type Sink, xlsxSink } from '../cli/export-command.ts'
import { lineInScope, type Mapper, mapper } from '../events/population.ts'
import { today } from '../geo/eras.ts'
import { gazetteer } from '../geo/service.ts'
import { csvFileEncoding, csvRecords, fileError } from '../intake/csv-file.ts'
import { decodeViqr, type Encoding } from '../intake/encoding.ts'
import { parseDate } from '../intake/values.ts'
import { provinceCode } from '../platform/config.ts'
import { type Db, inTransaction, type Queryable } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import * as register from '../register/service.ts'
import { unitToday } from '../register/service.ts'
import {
  addMonths,
  bornBefore,
  type CardField,
  type CardProblem,
  type CardsHeader,
  cardNumber,
  DUE_FILE_COLUMNS,
  type DueList,
  type DueRow,
  dueCells,
  issuedProblem,
  MONTHS,
  mapCardsHeader,
  numberProblem,
  renewalWindows,
} from './due.ts'
import * as q from './due-queries.ts'
import { type BirthDate, cardExpiry, MANDATORY_AGE } from './validity.ts'

// ——— the cards a person holds ———

export interface CardView {
  person_id: string
  issued_on: string
  /** The last day it is valid; null: it does not expire. */
  expires_on: string | null
  personal_id: string
  /** recorded: held from before coso; application: produced for an application. */
  source: 'recorded' | 'application'
  application_id: string | null
  recorded_by: string
  recorded_at: string
}

const cardView = (c: q.CardRow): CardView => ({ ...c, source: c.application_id ? 'application' : 'recorded' })

const refused = (rule: string, vi: string, en: string) => new AppError('CARD_REFUSED', { vi, en }, 422, { field: 'person_id', rule })

const birthOf = (p: { birth_year: number | null; birth_month: number | null; birth_day: number | null }): BirthDate | null =>
  p.birth_year === null ? null : { year: p.birth_year, month: p.birth_month, day: p.birth_day }

/**
 * Records a card the person held before coso, issued on `issued_on`; its expiry follows from the
 * card rules and the person's birth date (a partial one conservatively). Recording the same card
 * again changes nothing (`created` false).
 */
export async function recordCardIn(
  client: Queryable,
  actor: Actor,
  input: { person_id: string; issued_on: string },
  scope: string[] | null,
): Promise<{ card: CardView; created: boolean }> {
  const province = provinceCode()
  const person = await register.getPerson(client, province, input.person_id, scope)
  if (!person) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
  const [holder] = await q.cardHolders(client, province, [input.person_id])
  if (!holder) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
  const problem = holderProblem(holder, input.issued_on, today())
  if (problem) {
    if (problem.field === 'issued_on')
      throw badInput({ vi: `issued_on: ${problem.vi}`, en: `issued_on: ${problem.en}` }, { field: 'issued_on', rule: problem.rule })
    throw refused(problem.rule, problem.vi, problem.en)
  }
  const expires = cardExpiry(birthOf(holder) as BirthDate, input.issued_on)
  const written = await q.insertCards(
    client,
    province,
    [{ person_id: holder.id, issued_on: input.issued_on, expires_on: expires, personal_id: holder.personal_id as string }],
    actor.name,
  )
  const card = (await q.card(client, province, holder.id, input.issued_on)) as q.CardRow
  return { card: cardView(card), created: written.length > 0 }
}

/** Why this holder cannot be given a card issued on `issued`: no number, no birth date, or the day itself. */
function holderProblem(holder: q.CardHolder, issued: string, now: string): CardProblem | null {
  if (!holder.personal_id) {
    return {
      field: 'personal_id',
      rule: 'no-personal-id',
      vi: 'Người này chưa có số định danh cá nhân trong sổ: thẻ mang số đó.',
      en: 'This person has no personal ID number in the register: the card carries it.',
    }
  }
  if (holder.birth_year === null) {
    return {
      field: 'personal_id',
      rule: 'birth-unknown',
      vi: 'Sổ không có năm sinh của người này: không tính được hạn của thẻ. Hãy đính chính ngày sinh trước.',
      en: "The register has no birth year for this person: the card's expiry cannot be worked out. Correct the birth date first.",
    }
  }
  return issuedProblem(issued, holder, now)
}

export interface PersonCards {
  person_id: string
  on: string
  /** The card in force on the day (the latest issued by then), and whether it is valid that day. */
  in_force: CardView | null
  valid: boolean
  cards: CardView[]
}

export async function personCards(client: Queryable, personId: string, scope: string[] | null, on = today()): Promise<PersonCards> {
  const province = provinceCode()
  if (!(await register.getPerson(client, province, personId, scope))) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
  const cards = (await q.cardsOf(client, province, personId)).map(cardView)
  const inForce = cards.find((c) => c.issued_on <= on) ?? null
  return {
    person_id: personId,
    on,
    in_force: inForce,
    valid: inForce !== null && (inForce.expires_on === null || on <= inForce.expires_on),
    cards,
  }
}

// ——— a file of cards held (`coso id cards import`, docs/formats/id-cards-csv.md) ———

export interface CardsFile {
  file: string
  encoding: Encoding
  encodingReason: string
  header: string[]
  mapped: CardsHeader
  /** Rows in file order; the header is row 1, a row with no value at all is skipped. */
  rows(): AsyncGenerator<{ row: number; cells: string[]; problem: string | null }>
}

/**
 * Opens a cards file the way the events import opens its files (intake's CSV parser and decoders:
 * the encoding detected, or forced; a BOM dropped; TCVN3, VNI, CP1258 and VIQR read): empty,
 * binary, a spreadsheet, a required column missing — each fails here, before any row is read.
 */
export async function openCardsFile(path: string, options: { encoding?: Encoding | undefined } = {}): Promise<CardsFile> {
  const { encoding, reason } = csvFileEncoding(path, options.encoding)
  const records = csvRecords(path, encoding)
  const first = await records.next()
  if (first.done) throw fileError('FILE_EMPTY', path, 'tệp không có dòng tiêu đề.', 'the file has no header row.')
  // The values are digits and dates; only the header can carry VIQR marks.
  const header = first.value.cells.map((c) => (encoding === 'viqr' ? decodeViqr(c) : c).replace(/^\ufeff/, ''))
  const mapped = mapCardsHeader(header)
  if (mapped.missing.length > 0) {
    await records.return(undefined)
    const shown = header.slice(0, 40).join(', ')
    throw fileError(
      'COLUMNS_MISSING',
      path,
      `thiếu cột bắt buộc ${mapped.missing.join(', ')} (dòng tiêu đề: ${shown}). Xem docs/formats/id-cards-csv.md.`,
      `required column(s) missing: ${mapped.missing.join(', ')} (header: ${shown}). See docs/formats/id-cards-csv.md.`,
      { missing: mapped.missing },
    )
  }
  return {
    file: path,
    encoding,
    encodingReason: reason,
    header,
    mapped,
    async *rows() {
      let row = 1
      for await (const record of records) {
        row++
        if (record.cells.every((c) => c.trim() === '')) continue
        yield { row, cells: record.cells, problem: record.problem ?? null }
      }
    },
  }
}

export const IMPORT_OUTCOMES = ['recorded', 'unknown_number', 'invalid', 'duplicate'] as const
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number]

export interface ImportProblem {
  file: string
  row: number
  outcome: Exclude<ImportOutcome, 'recorded'>
  field: CardField | 'row'
  rule: string
  vi: string
  en: string
}

export interface CardsImportReport {
  file: string
  encoding: string
  encoding_reason: string
  rows: number
  outcomes: Record<ImportOutcome, number>
  rules: Record<string, number>
  unknown_columns: string[]
  /** Every row not recorded, with why. */
  problems: ImportProblem[]
}

/** Rows taken together: one lookup of numbers and holders and one transaction for each slice. */
const SLICE = 500

interface Pending {
  row: number
  number: string
  issued: string
}

/** Reads a row's two values; the first problem found is the row's. */
function readCardRow(file: CardsFile, cells: string[], problem: string | null): Pending | CardProblem {
  if (problem) return { field: 'row', rule: 'row-malformed', vi: `Dòng hỏng: ${problem}.`, en: `Malformed row: ${problem}.` }
  const value = (f: CardField) => cells[file.mapped.index[f] as number] ?? ''
  const number = numberProblem(value('personal_id'))
  if (number) return number
  const typed = value('issued_on').trim()
  const date = parseDate(typed)
  if (date.kind !== 'ok' || date.precision !== 'day') {
    const rule = date.kind === 'empty' ? 'required' : date.kind === 'impossible' ? 'issued-on-impossible' : 'issued-on-format'
    return {
      field: 'issued_on',
      rule,
      vi:
        date.kind === 'empty'
          ? 'Thiếu ngày cấp.'
          : date.kind === 'impossible'
            ? `Ngày cấp "${typed}" không có thật.`
            : `Ngày cấp "${typed.slice(0, 40)}" không đọc được: cần ngày đủ, dd/mm/yyyy hoặc yyyy-mm-dd.`,
      en:
        date.kind === 'empty'
          ? 'The issue date is missing.'
          : date.kind === 'impossible'
            ? `The issue date "${typed}" does not exist.`
            : `The issue date "${typed.slice(0, 40)}" cannot be read: a full date is needed, dd/mm/yyyy or yyyy-mm-dd.`,
    }
  }
  const iso = `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`
  return { row: 0, number: cardNumber(value('personal_id')), issued: iso }
}

/**
 * Records the cards of a file: each row recorded, or told why not — a number the register does not
 * hold (unknown_number), a value that cannot be one or a card that cannot have been (invalid), a
 * card recorded before (duplicate: importing a file again records nothing twice). Each recorded
 * card is audited, like one recorded through the API, in the transaction that writes it.
 */
export async function importCards(
  db: Db,
  source: CardsFile,
  options: { actor: Actor; onProgress?: (rows: number) => void },
): Promise<CardsImportReport> {
  const province = provinceCode()
  const now = today()
  const file = basename(source.file)
  const outcomes: Record<ImportOutcome, number> = { recorded: 0, unknown_number: 0, invalid: 0, duplicate: 0 }
  const rules: Record<string, number> = {}
  const problems: ImportProblem[] = []
  const tell = (row: number, outcome: ImportProblem['outcome'], p: CardProblem) => {
    outcomes[outcome]++
    rules[p.rule] = (rules[p.rule] ?? 0) + 1
    problems.push({ file, row, outcome, ...p })
  }
  await writeAudit(db.pool, options.actor, 'id.cards.import', 'ok', { target: `file:${file}`, details: { encoding: source.encoding } })
  let rows = 0
  let slice: Pending[] = []
  const flush = async () => {
    if (slice.length === 0) return
    const taken = slice
    slice = []
    const holders = await register.holders(db.pool, [...new Set(taken.map((p) => p.number))])
    const people = new Map(
      (await q.cardHolders(db.pool, province, [...new Set([...holders.values()].map((h) => h.person_id))])).map((h) => [h.id, h]),
    )
    const cards: (q.NewCard & { row: number })[] = []
    const seen = new Map<string, number>()
    for (const p of taken) {
      const holder = people.get(holders.get(p.number)?.person_id ?? '')
      if (!holder) {
        tell(p.row, 'unknown_number', {
          field: 'personal_id',
          rule: 'unknown-number',
          vi: `Không có ai mang số định danh ${p.number} trong sổ.`,
          en: `No one in the register holds the ID number ${p.number}.`,
        })
        continue
      }
      const problem = holderProblem(holder, p.issued, now)
      if (problem) {
        tell(p.row, 'invalid', problem)
        continue
      }
      const key = `${holder.id}|${p.issued}`
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        tell(p.row, 'duplicate', {
          field: 'row',
          rule: 'duplicate',
          vi: `Trùng dòng ${earlier}: cùng người, cùng ngày cấp.`,
          en: `Same as row ${earlier}: the same person and issue date.`,
        })
        continue
      }
      seen.set(key, p.row)
      cards.push({
        row: p.row,
        person_id: holder.id,
        issued_on: p.issued,
        expires_on: cardExpiry(birthOf(holder) as BirthDate, p.issued),
        personal_id: holder.personal_id as string,
      })
    }
    await inTransaction(db, async (client) => {
      const written = new Set(
        (await q.insertCards(client, province, cards, options.actor.name)).map((c) => `${c.person_id}|${c.issued_on}`),
      )
      for (const c of cards) {
        if (written.has(`${c.person_id}|${c.issued_on}`)) {
          outcomes.recorded++
          await writeAudit(client, options.actor, 'id.card.record', 'ok', {
            person_id: c.person_id,
            target: `card:${c.person_id}:${c.issued_on}`,
            details: { issued_on: c.issued_on, file, row: c.row },
          })
        } else {
          tell(c.row, 'duplicate', {
            field: 'row',
            rule: 'duplicate',
            vi: `Thẻ cấp ngày ${c.issued_on} của người này đã được ghi trước đó.`,
            en: `This person's card issued on ${c.issued_on} was recorded before.`,
          })
        }
      }
    })
  }
  for await (const { row, cells, problem } of source.rows()) {
    rows++
    const read = readCardRow(source, cells, problem)
    if ('rule' in read) tell(row, 'invalid', read)
    else slice.push({ ...read, row })
    if (slice.length >= SLICE) await flush()
    options.onProgress?.(rows)
  }
  await flush()
  problems.sort((a, b) => a.row - b.row)
  return {
    file: source.file,
    encoding: source.encoding,
    encoding_reason: source.encodingReason,
    rows,
    outcomes,
    rules,
    unknown_columns: source.mapped.unknown,
    problems,
  }
}

// ——— the due lists ———

export interface DueParams {
  list: DueList
  months: number
  /** A unit of today (2025); none: every unit within the caller's scope. */
  unit?: string | undefined
  /** The day the lists are for (residence, age, validity); default today. */
  on?: string | undefined
}

/** The map from recorded units (any era) to lines of today, read once per request. */
export interface DueMap {
  mapper: Mapper
  entries: { code: string; era: number; line: string; candidates: string[] }[]
  names: Map<string, string>
}

export async function dueMap(db: Db): Promise<DueMap> {
  const m = await mapper(db, 2025)
  const g = await gazetteer(db.kysely)
  // Every commune code of the province in either map; each code read in both eras, as a stay may name it.
  const codes = new Set<string>()
  for (const on of ['2024-10-31', '2025-06-30', today()]) {
    for (const u of g.index.list({ on, province: provinceCode(), level: 'commune' })) codes.add(u.code)
  }
  const entries: DueMap['entries'] = []
  for (const code of codes) {
    for (const era of [2024, 2025]) {
      const line = m.lineOf(code, era, null)
      entries.push({ code, era, line, candidates: line.startsWith('split:') ? unitToday(g, code, era, null).candidates : [] })
    }
  }
  return { mapper: m, entries, names: new Map(m.units.map((u) => [u.code, u.name])) }
}

/** The lines a caller sees (and asked for), and the recorded units whose people may be on them. */
function dueScope(map: DueMap, params: { unit?: string | undefined; on: string; months: number }, scope: string[] | null): q.DueScope {
  const base = {
    province: provinceCode(),
    day: params.on,
    map: map.entries.map(({ code, era, line }) => ({ code, era, line })),
    windows: renewalWindows(params.on, addMonths(params.on, params.months)),
    adultBornBefore: bornBefore(params.on, MANDATORY_AGE),
  }
  let lines: string[] | null
  if (params.unit !== undefined) {
    if (!map.names.has(params.unit)) {
      throw badInput(
        {
          vi: `unit: "${params.unit}" không phải xã, phường hiện hành của tỉnh.`,
          en: `unit: "${params.unit}" is no commune of the province today.`,
        },
        { field: 'unit', rule: 'unit' },
      )
    }
    if (!lineInScope(scope, params.unit, 2025)) {
      throw new AppError('FORBIDDEN', { vi: 'Đơn vị này ngoài phạm vi của bạn.', en: 'This unit is outside your scope.' }, 403, {
        field: 'unit',
      })
    }
    lines = [params.unit]
  } else if (scope !== null) {
    const all = new Set([...map.names.keys(), ...map.entries.map((e) => e.line)])
    lines = [...all].filter((l) => lineInScope(scope, l, 2025))
  } else {
    return { ...base, lines: null, recorded: null }
  }
  const wanted = new Set(lines)
  const recorded = map.entries
    .filter((e) => wanted.has(e.line) || e.candidates.some((c) => wanted.has(c)))
    .map(({ code, era }) => ({ code, era }))
  return { ...base, lines, recorded }
}

const rowOf = (r: q.DueRecord, names: Map<string, string>): DueRow => ({
  person_id: r.person_id,
  name: r.name,
  birth_date: register.birthDate(r),
  sex: r.sex,
  personal_id: r.personal_id,
  unit: r.unit,
  unit_name: names.get(r.unit) ?? null,
  household_id: r.household_id,
  address: r.address,
  // The list's order is the database's reading of the hamlet; shown with its first letter capitalised.
  hamlet: r.hamlet ? r.hamlet.charAt(0).toLocaleUpperCase('vi') + r.hamlet.slice(1) : null,
  renewal_age: r.renewal_age,
  renewal_on: r.renewal_on,
  card_issued_on: r.card_issued_on,
  card_expires_on: r.card_expires_on,
  application_state: r.application_state,
})

export interface DuePage {
  list: DueList
  on: string
  months: number
  unit: string | null
  total: number
  limit: number
  offset: number
  items: DueRow[]
}

export function checkParams(params: DueParams): { on: string; months: number } {
  const on = params.on ?? today()
  if (!Number.isInteger(params.months) || params.months < MONTHS.min || params.months > MONTHS.max) {
    throw badInput(
      { vi: `months: từ ${MONTHS.min} đến ${MONTHS.max} tháng.`, en: `months: ${MONTHS.min} to ${MONTHS.max} months.` },
      { field: 'months', rule: 'range' },
    )
  }
  return { on, months: params.months }
}

/** A page of a list; `client` in a transaction (its work memory is set for the query). */
export async function duePage(
  client: Queryable,
  map: DueMap,
  params: DueParams & { limit: number; offset: number },
  scope: string[] | null,
): Promise<DuePage> {
  const { on, months } = checkParams(params)
  const s = dueScope(map, { unit: params.unit, on, months }, scope)
  await q.roomForLists(client)
  const page = await q.duePage(client, params.list, s, params.limit, params.offset)
  return {
    list: params.list,
    on,
    months,
    unit: params.unit ?? null,
    total: page.total,
    limit: params.limit,
    offset: params.offset,
    items: page.rows.map((r) => rowOf(r, map.names)),
  }
}

export type FileFormat = 'csv' | 'xlsx'

export const FILE_TYPES: Record<FileFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** A file's sink: CSV with a BOM (Excel reads Vietnamese right then) or one XLSX sheet, every cell text and inert. */
export async function dueSink(format: FileFormat, stream: Writable): Promise<Sink> {
  const output = new Output(stream)
  if (format === 'csv') return csvSink(output, true)
  const { default: Excel } = await import('exceljs')
  return xlsxSink(Excel, output, 'Danh sách')
}

/** A slice read from the cursor at a time. */
const FETCH = 5000

/**
 * Writes a whole list to the sink within the caller's transaction (a cursor needs one): `started`
 * is told how many rows there are before the first is written. Returns how many were written.
 */
export async function writeDueList(
  client: Queryable,
  map: DueMap,
  params: DueParams,
  scope: string[] | null,
  sink: Sink,
  hooks: { started?: (total: number) => void; progress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const { on, months } = checkParams(params)
  const s = dueScope(map, { unit: params.unit, on, months }, scope)
  await q.roomForLists(client)
  const cursor = await q.openDueCursor(client, params.list, s, FETCH)
  hooks.started?.(cursor.total)
  await sink.header(DUE_FILE_COLUMNS.map((c) => c.header))
  let n = 0
  for (;;) {
    const slice = await cursor.next()
    for (const r of slice) await sink.row(dueCells(rowOf(r, map.names), ++n))
    hooks.progress?.(n, cursor.total)
    if (slice.length < FETCH) break
  }
  await cursor.close()
  await sink.close()
  return n
}

export interface DueSummaryLine {
  unit: string
  name: string | null
  renewal: number
  missing: number
  expired: number
}

export interface DueSummary {
  on: string
  months: number
  items: DueSummaryLine[]
}

/** The three lists' sizes per unit of today in the caller's scope (zeros included), then lines no unit holds yet; `client` in a transaction. */
export async function dueSummary(
  client: Queryable,
  map: DueMap,
  params: { months: number; on?: string | undefined },
  scope: string[] | null,
) {
  const { on, months } = checkParams({ list: 'renewal', ...params })
  const s = dueScope(map, { on, months }, scope)
  await q.roomForLists(client)
  const counts = await q.dueCounts(client, s)
  const lines = new Map<string, DueSummaryLine>()
  for (const [code, name] of map.names) {
    if (lineInScope(scope, code, 2025)) lines.set(code, { unit: code, name, renewal: 0, missing: 0, expired: 0 })
  }
  for (const c of counts) lines.set(c.unit, { ...c, name: map.names.get(c.unit) ?? null })
  const items = [...lines.values()].sort(
    (a, b) => Number(a.unit.includes(':')) - Number(b.unit.includes(':')) || a.unit.localeCompare(b.unit),
  )
  return { on, months, items } satisfies DueSummary
}
