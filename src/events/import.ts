// `coso events import FILE`: an events file (docs/formats/events-csv.md) read as a stream, each
// row recorded in its own audited transaction in file order — one bad row loses nothing else —,
// each row's outcome counted (recorded, refused, invalid, duplicate), and the rows to fix written
// to a correction file in the input's own layout, for an officer to correct and import again.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { basename } from 'node:path'
import { finished } from 'node:stream/promises'
import { type Actor, audited, auditWrite } from '../access/service.ts'
import { unitIndex } from '../geo/service.ts'
import { MAX_FIELD } from '../intake/csv.ts'
import { csvFileEncoding, csvRecords, fileError } from '../intake/csv-file.ts'
import { decodeViqr, type Encoding } from '../intake/encoding.ts'
import { provinceCode } from '../platform/config.ts'
import { csvLine } from '../platform/csv.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import * as register from '../register/service.ts'
import { type EventHeader, type Lookups, mapEventHeader, type Needs, type RowProblem, readRow, rowCells, TEXT_COLUMNS } from './csv-row.ts'
import * as q from './queries.ts'
import { recordEventIn } from './service.ts'

export const OUTCOMES = ['recorded', 'refused', 'invalid', 'duplicate'] as const
export type Outcome = (typeof OUTCOMES)[number]

export interface EventsFile {
  file: string
  encoding: Encoding
  encodingReason: string
  header: string[]
  mapped: EventHeader
  size: number
  sha256: string
  /** Rows the file holds, about (its lines after the header). */
  rowsAbout: number
  /** Rows in file order; the header is row 1, a row with no value at all is skipped. */
  rows(): AsyncGenerator<{ row: number; cells: string[]; problems: RowProblem[] }>
}

/** The file's SHA-256, and its lines (about its rows, for progress: a quoted value can hold a line break). */
async function survey(path: string): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256')
  let lines = 0
  let last = 0x0a
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    const b = chunk as Buffer
    hash.update(b)
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) lines++
    if (b.length > 0) last = b[b.length - 1] as number
  }
  return { sha256: hash.digest('hex'), lines: last === 0x0a ? lines : lines + 1 }
}

/** Our own files put a quote before a leading = + - @ (formula injection); take it off again. */
const unescapeFormula = (s: string) => (s.charCodeAt(0) === 39 && /^'[=+\-@]/.test(s) ? s.slice(1) : s)

/**
 * Opens an events file: its encoding detected (or forced), its header read and checked. A file
 * that cannot be one — empty, binary, a spreadsheet, a required column missing — fails here,
 * before any row is read.
 */
export async function openEventsFile(path: string, options: { encoding?: Encoding | undefined } = {}): Promise<EventsFile> {
  const { size, encoding, reason } = csvFileEncoding(path, options.encoding)
  const records = csvRecords(path, encoding)
  const first = await records.next()
  if (first.done) throw fileError('FILE_EMPTY', path, 'tệp không có dòng tiêu đề.', 'the file has no header row.')
  const header = first.value.cells.map((c) => c.replace(/^\ufeff/, ''))
  const mapped = mapEventHeader(header)
  if (mapped.missing.length > 0) {
    await records.return(undefined)
    const shown = header.slice(0, 40).join(', ')
    throw fileError(
      'COLUMNS_MISSING',
      path,
      `thiếu cột bắt buộc ${mapped.missing.join(', ')} (dòng tiêu đề: ${shown}). Xem docs/formats/events-csv.md.`,
      `required column(s) missing: ${mapped.missing.join(', ')} (header: ${shown}). See docs/formats/events-csv.md.`,
      { missing: mapped.missing },
    )
  }
  const textColumn = mapped.cells.map((c) => 'key' in c && TEXT_COLUMNS.has(c.key))
  const decodeCell = (s: string, i: number) => (encoding === 'viqr' && textColumn[i] ? decodeViqr(s) : s)
  const columnName = (i: number) => {
    const c = mapped.cells[i]
    return c === undefined ? `column_${i + 1}` : 'key' in c ? c.key : 'unknown' in c ? c.unknown : (header[i] ?? `column_${i + 1}`)
  }
  const { sha256, lines } = await survey(path)
  return {
    file: path,
    encoding,
    encodingReason: reason,
    header,
    mapped,
    size,
    sha256,
    rowsAbout: Math.max(0, lines - 1),
    async *rows() {
      let row = 1
      for await (const record of records) {
        row++
        const cells = record.cells.map((c, i) => decodeCell(unescapeFormula(c), i))
        if (cells.every((c) => c.trim() === '')) continue
        const problems: RowProblem[] = []
        if (record.problem) {
          problems.push({
            rule: 'row-malformed',
            column: null,
            vi: `Dòng hỏng: ${record.problem}.`,
            en: `Malformed row: ${record.problem}.`,
          })
        }
        if (cells.length > header.length) {
          const extra = cells.slice(header.length).join(',').slice(0, 200)
          problems.push({
            rule: 'row-malformed',
            column: null,
            vi: `${cells.length} ô cho ${header.length} cột (thừa: ${extra}); có dấu phẩy trong một giá trị mà không có ngoặc kép?`,
            en: `${cells.length} cells for ${header.length} columns (extra: ${extra}); a comma in a value without quotes?`,
          })
        }
        for (const [index, length] of Object.entries(record.overlong ?? {})) {
          const column = columnName(Number(index))
          problems.push({
            rule: 'value-too-long',
            column,
            vi: `${column}: ${length} ký tự, quá giới hạn ${MAX_FIELD} (đã cắt).`,
            en: `${column}: ${length} characters, over the limit of ${MAX_FIELD} (cut).`,
          })
        }
        yield { row, cells, problems }
      }
    },
  }
}

export interface RowReport {
  row: number
  outcome: Outcome
  rules: string[]
  columns: string[]
  vi: string[]
  en: string[]
  event_id: string | null
}

export interface EventsImportReport {
  batch_id: string
  file: string
  encoding: string
  encoding_reason: string
  rows: number
  outcomes: Record<Outcome, number>
  rules: Record<string, number>
  unknown_columns: string[]
  correction_file: string | null
}

/** Columns the correction file adds after the input's own. */
export const CORRECTION_COLUMNS = ['coso_row', 'coso_outcome', 'coso_rules', 'coso_columns', 'coso_reasons_vi', 'coso_reasons_en']
/** Excel's limit for one cell. */
const EXCEL_CELL = 32767

/** The correction file, opened at the first row it needs: the input's columns (not its coso_ ones), then ours. */
class CorrectionFile {
  readonly path: string
  readonly #keep: number[]
  readonly #header: string[]
  #out: WriteStream | undefined
  rows = 0

  constructor(path: string, header: string[], mapped: EventHeader) {
    this.path = path
    this.#keep = header.map((_, i) => i).filter((i) => !('ours' in (mapped.cells[i] ?? {})))
    this.#header = [...this.#keep.map((i) => header[i] ?? ''), ...CORRECTION_COLUMNS]
  }

  async write(cells: string[], r: RowReport) {
    if (!this.#out) {
      this.#out = createWriteStream(this.path)
      this.#out.write(`\ufeff${csvLine(this.#header)}\n`)
    }
    const values = [
      ...this.#keep.map((i) => (cells[i] ?? '').slice(0, EXCEL_CELL)),
      String(r.row),
      r.outcome,
      r.rules.join('; '),
      r.columns.join('; '),
      r.vi.join(' | '),
      r.en.join(' | '),
    ]
    this.rows++
    if (!this.#out.write(`${csvLine(values)}\n`)) await new Promise<void>((resolve) => this.#out?.once('drain', () => resolve()))
  }

  async close(): Promise<string | null> {
    if (!this.#out) return null
    this.#out.end()
    await finished(this.#out)
    return this.path
  }
}

/** Register field names in refusals → the CSV column they came from. */
const FIELD_COLUMN: Record<string, string> = {
  unit_code: 'to_unit',
  new_household_no: 'new_household_no',
  household_no: 'new_household_no',
  members: 'members',
  head_id: 'head_id / head_personal_id',
  new_head_id: 'new_head_id / new_head_personal_id',
  mother_id: 'mother_id / mother_personal_id',
  father_id: 'father_id / father_personal_id',
  household_id: 'household_id / household_unit + household_no',
  to_household_id: 'to_household_id / to_unit + to_household_no',
  personal_id: 'personal_id',
  full_name: 'full_name',
  value: 'value',
  effective_on: 'effective_on',
}

/** What the register said when it would not record a row. */
function refusal(error: AppError): Pick<RowReport, 'rules' | 'columns' | 'vi' | 'en'> {
  const details = (error.details ?? {}) as { problems?: { code: string }[]; field?: string }
  const rules =
    error.code === 'EVENT_REFUSED' && details.problems?.length
      ? [...new Set(details.problems.map((x) => x.code))]
      : [error.code.toLowerCase().replace(/_/g, '-')]
  const column = details.field ? (FIELD_COLUMN[details.field] ?? details.field) : null
  return { rules, columns: column ? [column] : [], vi: [error.text.vi], en: [error.text.en] }
}

const fromProblems = (problems: RowProblem[]) => ({
  rules: [...new Set(problems.map((x) => x.rule))],
  columns: [...new Set(problems.flatMap((x) => (x.column ? [x.column] : [])))],
  vi: problems.map((x) => x.vi),
  en: problems.map((x) => x.en),
})

/** The register's answers to a row's references. */
async function lookupsFor(client: Queryable, province: string, needs: Needs): Promise<Lookups> {
  const holders = await register.holders(client, [...new Set(needs.personalIds)])
  const households = await q.householdsByNumber(client, province, needs.households)
  return {
    person: (n) => holders.get(n)?.person_id,
    households: (unit, no, era) =>
      households.filter((h) => h.unit_code === unit && h.household_no === no && (era === null || h.era === era)).map((h) => h.id),
  }
}

const DUPLICATE = 'DUPLICATE_ROW'

export interface ImportOptions {
  actor: Actor
  correctionFile: string
  onProgress?: (p: { rows: number; rowsAbout: number }) => void
  onRow?: (r: RowReport) => void
}

/**
 * Imports an opened events file. Each row: read (invalid when it cannot be an event), looked up
 * among rows recorded before (duplicate), then recorded with `recordEventIn` in its own audited
 * transaction, like `POST /api/events` (refused when the register says no). Rows are taken in file
 * order, so a row can rely on the ones above it. Errors that are not about a row (the database
 * went away) stop the import; the rows before stay recorded, and importing the same file again
 * skips them as duplicates.
 */
export async function importEvents(db: Db, source: EventsFile, options: ImportOptions): Promise<EventsImportReport> {
  const province = provinceCode()
  const { actor } = options
  const batchId = uuidv7()
  // Read before any transaction: the embedded engine has one connection.
  const index = await unitIndex(db.kysely)
  await q.insertEventImport(db.pool, province, {
    id: batchId,
    source: basename(source.file),
    file_sha256: source.sha256,
    file_size: source.size,
    encoding: source.encoding,
    created_by: actor.name,
  })
  await auditWrite(db, actor, 'events.import', `event_import:${batchId}`, { file: basename(source.file) })
  const outcomes: Record<Outcome, number> = { recorded: 0, refused: 0, invalid: 0, duplicate: 0 }
  const rules: Record<string, number> = {}
  const corrections = new CorrectionFile(options.correctionFile, source.header, source.mapped)
  let rows = 0
  let status: 'done' | 'failed' = 'failed'
  let correctionFile: string | null = null
  try {
    for await (const { row, cells, problems } of source.rows()) {
      rows++
      const report = await importRow(db, { province, actor, index, batchId }, row, rowCells(source.mapped, cells), problems)
      outcomes[report.outcome]++
      for (const rule of report.rules) rules[rule] = (rules[rule] ?? 0) + 1
      if (report.outcome === 'refused' || report.outcome === 'invalid') await corrections.write(cells, report)
      options.onRow?.(report)
      options.onProgress?.({ rows, rowsAbout: Math.max(rows, source.rowsAbout) })
    }
    status = 'done'
  } finally {
    correctionFile = await corrections.close()
    await q.finishEventImport(db.pool, province, batchId, { status, rows_done: rows, outcomes, rules })
  }
  return {
    batch_id: batchId,
    file: source.file,
    encoding: source.encoding,
    encoding_reason: source.encodingReason,
    rows,
    outcomes,
    rules,
    unknown_columns: source.mapped.unknown,
    correction_file: correctionFile,
  }
}

async function importRow(
  db: Db,
  run: { province: string; actor: Actor; index: Awaited<ReturnType<typeof unitIndex>>; batchId: string },
  row: number,
  cells: ReturnType<typeof rowCells>,
  fileProblems: RowProblem[],
): Promise<RowReport> {
  const report = (outcome: Outcome, r: Pick<RowReport, 'rules' | 'columns' | 'vi' | 'en'>, eventId: string | null = null): RowReport => ({
    row,
    outcome,
    ...r,
    event_id: eventId,
  })
  const read = readRow(cells)
  if (fileProblems.length > 0 || !read.ok) {
    // A value the file cut is not told about twice.
    const cut = new Set(fileProblems.map((x) => x.column))
    return report('invalid', fromProblems([...fileProblems, ...(read.ok ? [] : read.problems.filter((x) => !cut.has(x.column)))]))
  }
  const before = await q.importedRow(db.pool, run.province, read.hash)
  const duplicateOf = (b: { batch_id: string; row_no: number; event_id: string }) =>
    report(
      'duplicate',
      {
        rules: ['duplicate'],
        columns: [],
        vi: [`Dòng này đã được ghi (lô ${b.batch_id}, dòng ${b.row_no}, sự kiện ${b.event_id}).`],
        en: [`This row was recorded before (batch ${b.batch_id}, row ${b.row_no}, event ${b.event_id}).`],
      },
      b.event_id,
    )
  if (before) return duplicateOf(before)
  // References by number are looked up before the transaction (the embedded engine has one
  // connection), so the audit entry of a refused row names its person as the API's does.
  const resolved = readRow(cells, await lookupsFor(db.pool, run.province, read.needs))
  if (!resolved.ok) return report('refused', fromProblems(resolved.problems))
  const input = resolved.input
  try {
    const recorded = await audited(
      db,
      run.actor,
      `event.${input.kind}`,
      async (client) => {
        const r = await recordEventIn(client, run.actor, input, { index: run.index, batchId: run.batchId })
        const claimed = await q.insertImportedRow(client, run.province, {
          row_hash: read.hash,
          batch_id: run.batchId,
          row_no: row,
          event_id: r.event.id,
        })
        // Another import recorded the same row meanwhile: this one is undone with its transaction.
        if (!claimed) throw new AppError(DUPLICATE, { vi: 'Dòng trùng.', en: 'Duplicate row.' }, 409)
        return { result: r, person_id: r.persons[0] ?? null, target: `event:${r.event.id}`, details: { persons: r.persons.length } }
      },
      { person_id: 'person_id' in input ? input.person_id : null, details: { kind: input.kind, batch_id: run.batchId, row } },
    )
    return report('recorded', { rules: [], columns: [], vi: [], en: [] }, recorded.event.id)
  } catch (error) {
    if (error instanceof AppError && error.code === DUPLICATE) {
      const b = await q.importedRow(db.pool, run.province, read.hash)
      if (b) return duplicateOf(b)
    }
    if (error instanceof AppError) return report('refused', refusal(error))
    throw new AppError(
      'IMPORT_STOPPED',
      {
        vi: `Dừng ở dòng ${row}: ${(error as Error).message}. Các dòng trước đã được ghi; nhập lại cùng tệp sẽ bỏ qua chúng (trùng).`,
        en: `Stopped at row ${row}: ${(error as Error).message}. The rows before it are recorded; importing the same file again skips them (duplicates).`,
      },
      500,
      { row },
    )
  }
}
