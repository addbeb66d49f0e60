// Reading a DC01 file (CSV in any of the encodings we know, XLSX, JSON Lines) as a stream of
// forms. Problems with the whole file (empty, binary, a required column missing) stop before any
// row is read; problems with a row travel with the row, which is never dropped.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { createInterface } from 'node:readline'
import type ExcelJS from 'exceljs'
import { AppError } from '../platform/errors.ts'
import { nfc } from '../text/vietnamese.ts'
import { CsvParser, type CsvRecord, MAX_FIELD } from './csv.ts'
import { columnKey, DC01_COLUMNS, type Dc01Form, type Dc01Key, emptyForm } from './dc01.ts'
import { createDecoder, decodeViqr, detectEncoding, type Encoding } from './encoding.ts'
import { type Finding, finding } from './rules.ts'

export type Format = 'csv' | 'xlsx' | 'jsonl'

export interface SourceRow {
  /** Row number as a spreadsheet shows it: the header is row 1. */
  row: number
  form: Dc01Form
  problems: Finding[]
}

export interface Source {
  file: string
  format: Format
  encoding: Encoding | null
  encodingReason: string | null
  header: string[]
  unknownColumns: string[]
  size: number
  bytesRead(): number
  rows(): AsyncGenerator<SourceRow>
}

export interface OpenOptions {
  encoding?: Encoding | undefined
  format?: Format | undefined
}

const REQUIRED = DC01_COLUMNS.filter((c) => c.required).map((c) => c.key)
/** Columns we add to correction files; they are dropped when the file comes back. */
const OURS = /^coso_/i

function fileError(code: string, file: string, vi: string, en: string, details?: unknown): AppError {
  return new AppError(code, { vi: `${basename(file)}: ${vi}`, en: `${basename(file)}: ${en}` }, 400, {
    file: basename(file),
    ...(details as object),
  })
}

function sample(path: string, size: number): Uint8Array {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(Math.min(size, 64 * 1024))
    const n = readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

function sniffFormat(path: string, head: Uint8Array): Format {
  if (head[0] === 0x50 && head[1] === 0x4b) return 'xlsx' // a zip container
  const ext = extname(path).toLowerCase()
  if (ext === '.xlsx') return 'xlsx'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d)) i++
  return head[i] === 0x7b ? 'jsonl' : 'csv'
}

/** Maps header cells to DC01 keys; unknown columns are kept under their own name. */
export function mapHeader(file: string, header: string[]): { keys: (Dc01Key | string | null)[]; unknown: string[] } {
  const seen = new Set<string>()
  const unknown: string[] = []
  const keys = header.map((cell) => {
    const name = nfc(cell)
      .replace(/^\ufeff/, '')
      .trim()
    if (OURS.test(name)) return null
    const key = columnKey(name)
    if (key && !seen.has(key)) {
      seen.add(key)
      return key
    }
    const label = name || `column_${unknown.length + 1}`
    unknown.push(label)
    return label
  })
  const missing = REQUIRED.filter((k) => !seen.has(k))
  if (missing.length > 0) {
    throw fileError(
      'COLUMNS_MISSING',
      file,
      `thiếu cột bắt buộc ${missing.join(', ')} (dòng tiêu đề: ${header.slice(0, 40).join(', ')}).`,
      `required column(s) missing: ${missing.join(', ')} (header: ${header.slice(0, 40).join(', ')}).`,
      { missing },
    )
  }
  return { keys, unknown }
}

/** Our own exports put a quote before a leading = + - @ (formula injection); take it off again. */
const unescapeFormula = (s: string) => (s.charCodeAt(0) === 39 && /^'[=+\-@]/.test(s) ? s.slice(1) : s)

function toForm(keys: (string | null)[], cells: string[], decodeCell: (s: string) => string): Dc01Form {
  const form = emptyForm()
  const known = form as unknown as Record<string, string>
  for (let i = 0; i < cells.length; i++) {
    const key = i < keys.length ? keys[i] : `column_${i + 1}`
    const value = unescapeFormula(cells[i] ?? '')
    if (key === null || key === undefined) continue
    if (key in known && key !== 'extra') known[key] = decodeCell(value)
    else if (value !== '') {
      form.extra ??= {}
      form.extra[key] = decodeCell(value)
    }
  }
  return form
}

function rowProblems(record: CsvRecord, keys: (string | null)[], columns: number): Finding[] {
  const problems: Finding[] = []
  if (record.problem) problems.push(finding('row-malformed', null, { reason: record.problem }))
  if (record.cells.length > columns)
    problems.push(finding('row-malformed', null, { reason: `${record.cells.length} cells for ${columns} columns` }))
  for (const [index, length] of Object.entries(record.overlong ?? {})) {
    const field = keys[Number(index)] ?? `column_${Number(index) + 1}`
    problems.push(finding('value-too-long', field, { field, length, limit: MAX_FIELD }))
  }
  return problems
}

export async function openSource(path: string, options: OpenOptions = {}): Promise<Source> {
  const size = statSync(path).size
  if (size === 0) throw fileError('FILE_EMPTY', path, 'tệp rỗng.', 'the file is empty.')
  const head = sample(path, size)
  const format = options.format ?? sniffFormat(path, head)
  if (format === 'xlsx') return openXlsx(path, size)
  const detected = detectEncoding(head)
  if (!options.encoding && detected.reason === 'binary') {
    throw fileError('FILE_BINARY', path, 'không phải tệp văn bản (dữ liệu nhị phân).', 'not a text file (binary data).')
  }
  const encoding = options.encoding ?? detected.encoding
  const reason = options.encoding ? 'forced (--encoding)' : detected.reason
  return format === 'jsonl' ? openJsonl(path, size, encoding, reason) : openCsv(path, size, encoding, reason)
}

async function openCsv(path: string, size: number, encoding: Encoding, reason: string): Promise<Source> {
  // VIQR is read per value after the header is matched ("address" holds a "dd").
  const byteEncoding: Encoding = encoding === 'viqr' ? 'utf-8' : encoding
  const decodeCell = encoding === 'viqr' ? decodeViqr : (s: string) => s
  let bytes = 0
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 })
  const decoder = createDecoder(byteEncoding)
  const parser = new CsvParser()
  const iterator = stream[Symbol.asyncIterator]()
  const pending: CsvRecord[] = []
  let done = false
  const next = async (): Promise<CsvRecord | undefined> => {
    while (pending.length === 0 && !done) {
      const chunk = await iterator.next()
      if (chunk.done) {
        done = true
        pending.push(...parser.push(decoder.end()), ...parser.end())
      } else {
        bytes += (chunk.value as Buffer).length
        pending.push(...parser.push(decoder.write(chunk.value as Buffer)))
      }
    }
    return pending.shift()
  }
  const first = await next()
  if (!first) {
    stream.destroy()
    throw fileError('FILE_EMPTY', path, 'tệp không có dòng tiêu đề.', 'the file has no header row.')
  }
  const header = first.cells.map((c) => c.replace(/^\ufeff/, ''))
  let mapped: ReturnType<typeof mapHeader>
  try {
    mapped = mapHeader(path, header)
  } catch (error) {
    stream.destroy()
    throw error
  }
  return {
    file: path,
    format: 'csv',
    encoding,
    encodingReason: reason,
    header,
    unknownColumns: mapped.unknown,
    size,
    bytesRead: () => bytes,
    async *rows() {
      let row = 1
      for (let record = await next(); record; record = await next()) {
        row++
        yield { row, form: toForm(mapped.keys, record.cells, decodeCell), problems: rowProblems(record, mapped.keys, header.length) }
      }
    },
  }
}

async function openJsonl(path: string, size: number, encoding: Encoding, reason: string): Promise<Source> {
  const decoder = createDecoder(encoding === 'viqr' ? 'utf-8' : encoding)
  let bytes = 0
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 })
  async function* text() {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length
      yield decoder.write(chunk as Buffer)
    }
    yield decoder.end()
  }
  const header = DC01_COLUMNS.map((c) => c.key as string)
  const keys = header
  return {
    file: path,
    format: 'jsonl',
    encoding,
    encodingReason: reason,
    header,
    unknownColumns: [],
    size,
    bytesRead: () => bytes,
    async *rows() {
      let row = 0
      const lines = createInterface({ input: (await import('node:stream')).Readable.from(text()), crlfDelay: Number.POSITIVE_INFINITY })
      for await (const line of lines) {
        row++
        if (!line.trim()) continue
        const problems: Finding[] = []
        let object: Record<string, unknown> = {}
        try {
          const parsed: unknown = JSON.parse(line.length > 4 * 1024 * 1024 ? '' : line)
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) object = parsed as Record<string, unknown>
          else problems.push(finding('row-malformed', null, { reason: 'a line that is not a JSON object' }))
        } catch (error) {
          problems.push(finding('row-malformed', null, { reason: `JSON: ${(error as Error).message.slice(0, 200)}` }))
          object = { extra_raw_line: line.slice(0, MAX_FIELD) }
        }
        const cells: string[] = []
        const extraKeys: string[] = []
        for (const [k, value] of Object.entries(object)) {
          if (OURS.test(k)) continue
          const key = columnKey(k) ?? k
          const s = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)
          const at = keys.indexOf(key)
          if (at >= 0) cells[at] = s
          else {
            extraKeys.push(k)
            cells[keys.length + extraKeys.length - 1] = s
          }
        }
        const form = toForm(
          [...keys, ...extraKeys],
          Array.from(cells, (c) => c ?? ''),
          encoding === 'viqr' ? decodeViqr : (s) => s,
        )
        yield { row, form, problems }
      }
    },
  }
}

// Excel turns numbers typed into cells into numbers, dropping leading zeros.
const PAD: Partial<Record<Dc01Key, number>> = {
  collecting_unit: 5,
  permanent_unit: 5,
  current_unit: 5,
  personal_id: 12,
  father_id: 12,
  mother_id: 12,
  spouse_id: 12,
  household_head_id: 12,
  old_id: 9,
}

function cellText(value: ExcelJS.CellValue, key: string | null): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const d = value
    return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`
  }
  if (typeof value === 'number') {
    const pad = key ? PAD[key as Dc01Key] : undefined
    if (pad) return String(value).padStart(pad, '0')
    if (key === 'phone' && /^\d{9}$/.test(String(value))) return `0${value}`
    return String(value)
  }
  if (typeof value === 'object') {
    // Formulas are never executed: the value Excel cached, or the formula's text.
    if ('formula' in value || 'sharedFormula' in value) {
      const f = value as { result?: ExcelJS.CellValue; formula?: string }
      return f.result !== undefined && typeof f.result !== 'object' ? cellText(f.result, key) : `=${f.formula ?? ''}`
    }
    if ('richText' in value) return value.richText.map((r) => r.text).join('')
    if ('text' in value) return String((value as { text: unknown }).text)
    if ('error' in value) return String((value as { error: unknown }).error)
  }
  return String(value)
}

async function openXlsx(path: string, size: number): Promise<Source> {
  const stream = createReadStream(path)
  let bytes = 0
  stream.on('data', (chunk) => {
    bytes += chunk.length
  })
  // Loaded when needed: exceljs alone takes a quarter of a second to load.
  const { default: Excel } = await import('exceljs')
  const reader = new Excel.stream.xlsx.WorkbookReader(stream, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
  })
  const sheets = reader[Symbol.asyncIterator]()
  const sheet = await sheets.next()
  if (sheet.done) throw fileError('FILE_EMPTY', path, 'bảng tính không có trang nào.', 'the workbook has no sheet.')
  const rowsIterator = (sheet.value as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]()
  const first = await rowsIterator.next()
  if (first.done) throw fileError('FILE_EMPTY', path, 'trang tính đầu tiên rỗng.', 'the first sheet is empty.')
  const values = (r: ExcelJS.Row, keys: (string | null)[] | null) => {
    const cells: string[] = []
    const v = r.values as ExcelJS.CellValue[]
    for (let i = 1; i < v.length; i++) cells[i - 1] = cellText(v[i] ?? null, keys ? (keys[i - 1] ?? null) : null)
    return Array.from(cells, (c) => c ?? '')
  }
  const header = values(first.value, null)
  const mapped = mapHeader(path, header)
  return {
    file: path,
    format: 'xlsx',
    encoding: null,
    encodingReason: null,
    header,
    unknownColumns: mapped.unknown,
    size,
    bytesRead: () => bytes,
    async *rows() {
      let last = first.value.number
      for (let r = await rowsIterator.next(); !r.done; r = await rowsIterator.next()) {
        const cells = values(r.value, mapped.keys)
        last = r.value.number
        if (cells.every((c) => c === '')) continue
        const problems: Finding[] = []
        cells.forEach((c, i) => {
          if (c.length > MAX_FIELD) {
            const field = mapped.keys[i] ?? `column_${i + 1}`
            problems.push(finding('value-too-long', field, { field, length: c.length, limit: MAX_FIELD }))
            cells[i] = c.slice(0, MAX_FIELD)
          }
        })
        yield { row: last, form: toForm(mapped.keys, cells, (s) => s), problems }
      }
    },
  }
}
