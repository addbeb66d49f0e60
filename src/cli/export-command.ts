// `coso export forms|persons`: the forms as typed, or the register's persons, as CSV, XLSX or
// JSON Lines, on stdout or into a file. The modules choose the columns and values; this file
// only encodes them, and makes every cell a spreadsheet opens inert (formula injection).
import { once } from 'node:events'
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, extname, resolve } from 'node:path'
import { PassThrough, type Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { type Command, InvalidArgumentError, Option } from 'commander'
import type ExcelJS from 'exceljs'
import { auditWrite, cliActor } from '../access/service.ts'
import { exportForms } from '../intake/export.ts'
import { csvLine, neutraliseFormula } from '../platform/csv.ts'
import { badInput } from '../platform/errors.ts'
import { escapeMarkup } from '../platform/json.ts'
import { exportPersons } from '../register/export.ts'
import { type DbFlags, jsonFlag, out, printJson, withDb, withDbFlags } from './common.ts'

type What = 'forms' | 'persons'
type Format = 'csv' | 'xlsx' | 'jsonl'
const WHATS: readonly What[] = ['forms', 'persons']
const FORMATS: readonly Format[] = ['csv', 'xlsx', 'jsonl']
const BY_EXTENSION: Record<string, Format> = { '.csv': 'csv', '.xlsx': 'xlsx', '.jsonl': 'jsonl', '.ndjson': 'jsonl' }

function parseWhat(value: string): What {
  if (!WHATS.includes(value as What))
    throw new InvalidArgumentError('export forms or persons / xuất forms (phiếu) hoặc persons (nhân khẩu)')
  return value as What
}

function parseFormat(value: string): Format {
  const format = value.toLowerCase() as Format
  if (!FORMATS.includes(format)) throw new InvalidArgumentError('the format is csv, xlsx or jsonl / định dạng là csv, xlsx hoặc jsonl')
  return format
}

/** Where the rows go, and how to finish the file once they are all there. */
export interface Sink {
  header(columns: string[]): Promise<void>
  row(values: (string | null)[]): Promise<void>
  close(): Promise<void>
}

/**
 * Buffered writes that wait when the reader is slower than the database, so memory stays flat
 * however large the export; a reader that went away (EPIPE) stops the export.
 */
export class Output {
  readonly stream: Writable
  /** Rejects when the stream fails: to stop waiting on work that will never finish. */
  readonly failed: Promise<never>
  #buffer = ''
  #error: Error | undefined

  constructor(stream: Writable) {
    this.stream = stream
    this.failed = new Promise((_, reject) => {
      stream.on('error', (error) => {
        this.#error = error
        reject(error)
      })
    })
    this.failed.catch(() => {})
  }

  get error(): Error | undefined {
    return this.#error
  }

  async write(text: string) {
    this.#buffer += text
    if (this.#buffer.length >= 64 * 1024) await this.flush()
  }

  async flush() {
    if (this.#error) throw this.#error
    if (this.#buffer === '') return
    const ok = this.stream.write(this.#buffer)
    this.#buffer = ''
    if (!ok) await once(this.stream, 'drain')
  }
}

export function csvSink(output: Output, bom: boolean): Sink {
  return {
    async header(columns) {
      await output.write(`${bom ? '\ufeff' : ''}${csvLine(columns)}\n`)
    },
    async row(values) {
      await output.write(`${csvLine(values)}\n`)
    },
    close: () => output.flush(),
  }
}

function jsonlSink(output: Output): Sink {
  let columns: string[] = []
  return {
    async header(c) {
      columns = c
    },
    async row(values) {
      const record: Record<string, string | null> = {}
      for (let i = 0; i < columns.length; i++) record[columns[i] as string] = values[i] ?? null
      await output.write(`${escapeMarkup(JSON.stringify(record))}\n`)
    },
    close: () => output.flush(),
  }
}

/**
 * One sheet, every cell a string in text-formatted columns: IDs keep their leading zeros, and
 * a value typed into the sheet later is not turned into a number or a date either.
 */
export function xlsxSink(Excel: typeof ExcelJS, output: Output, sheetName: string): Sink {
  // exceljs ends the stream it is given; stdout must stay open, so it gets a stream of its own.
  const zip = new PassThrough()
  zip.pipe(output.stream, { end: output.stream !== process.stdout })
  const book = new Excel.stream.xlsx.WorkbookWriter({ stream: zip, useSharedStrings: false, useStyles: true })
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] })
  let rows = 0
  return {
    async header(columns) {
      sheet.columns = columns.map((c) => ({ key: c, width: Math.min(40, Math.max(12, c.length + 2)), style: { numFmt: '@' } }))
      sheet.addRow(columns.map(neutraliseFormula)).commit()
    },
    async row(values) {
      sheet.addRow(values.map((v) => (v === null ? null : neutraliseFormula(v)))).commit()
      // exceljs has no backpressure of its own: let the zip catch up with the reader now and then.
      if (++rows % 1000 === 0) {
        if (output.error) throw output.error
        if (output.stream.writableNeedDrain) await once(output.stream, 'drain')
        await new Promise((r) => setImmediate(r))
      }
    },
    async close() {
      sheet.commit()
      // A reader gone mid-zip would leave the commit waiting for ever.
      await Promise.race([book.commit().then(() => finished(zip)), output.failed])
    },
  }
}

async function sinkFor(format: Format, output: Output, what: What, bom: boolean): Promise<Sink> {
  if (format === 'csv') return csvSink(output, bom)
  if (format === 'jsonl') return jsonlSink(output)
  // Loaded when needed: exceljs alone takes a quarter of a second to load.
  const { default: Excel } = await import('exceljs')
  return xlsxSink(Excel, output, what === 'forms' ? 'DC01' : 'persons')
}

type ExportFlags = DbFlags & { format?: Format; out?: string; bom?: boolean }

/** What can be refused before the database is opened. */
function checkFlags(flags: ExportFlags): Format {
  const format = flags.format ?? (flags.out ? BY_EXTENSION[extname(flags.out).toLowerCase()] : undefined)
  if (!format) {
    throw badInput({
      vi: 'Chọn định dạng: --format csv, xlsx hoặc jsonl (hoặc --out với đuôi .csv, .xlsx, .jsonl).',
      en: 'Choose a format: --format csv, xlsx or jsonl (or --out with a .csv, .xlsx or .jsonl name).',
    })
  }
  if (flags.bom && format !== 'csv') {
    throw badInput({ vi: '--bom chỉ dùng cho CSV.', en: '--bom applies to CSV only.' })
  }
  if (flags.out) {
    const dir = dirname(resolve(flags.out))
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw badInput({ vi: `Không có thư mục ${dir} để ghi ${flags.out}.`, en: `No directory ${dir} to write ${flags.out} in.` })
    }
  } else if (format === 'xlsx' && process.stdout.isTTY) {
    throw badInput({
      vi: 'Không in tệp XLSX ra màn hình: dùng --out TỆP.xlsx (hoặc chuyển hướng sang tệp).',
      en: 'Will not print an XLSX file to the terminal: use --out FILE.xlsx (or redirect to a file).',
    })
  }
  return format
}

async function runExport(what: What, flags: ExportFlags): Promise<void> {
  const format = checkFlags(flags)
  // A file appears under its name only once complete: a failed export leaves no half file.
  const partial = flags.out ? `${flags.out}.${process.pid}.partial` : undefined
  let rows = 0
  try {
    await withDb(flags, async (db) => {
      await auditWrite(db, cliActor(), 'export', what, { format, file: flags.out ? basename(flags.out) : 'stdout' })
      const stream = partial ? createWriteStream(partial) : process.stdout
      const output = new Output(stream)
      const sink = await sinkFor(format, output, what, flags.bom === true)
      try {
        rows = what === 'forms' ? await exportForms(db, sink) : await exportPersons(db, sink)
        await sink.close()
        if (stream !== process.stdout) {
          if (!stream.writableEnded) stream.end()
          await finished(stream)
        }
      } catch (error) {
        if (stream !== process.stdout) stream.destroy()
        throw error
      }
    })
  } catch (error) {
    if (partial) rmSync(partial, { force: true })
    // The reader stopped early (`| head`): not a failure of the export.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return
    throw error
  }
  const noun = what === 'forms' ? 'phiếu / forms' : 'người / persons'
  if (!partial || !flags.out) {
    process.stderr.write(`coso: ${rows} ${noun} (${format})\n`)
    return
  }
  renameSync(partial, flags.out)
  if (flags.json) return printJson({ file: flags.out, format, what, rows })
  out(`${flags.out}: ${rows} ${noun} (${format})`)
}

export function registerExportCommand(program: Command) {
  jsonFlag(withDbFlags(program.command('export')))
    .description('export the forms (DC01 layout) or the persons as CSV, XLSX or JSON Lines / xuất phiếu hoặc nhân khẩu')
    .argument('<what>', 'forms or persons', parseWhat)
    .addOption(new Option('--format <format>', 'csv, xlsx or jsonl (default: from the --out name)').argParser(parseFormat))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--bom', 'start the CSV with a byte-order mark (for Excel)')
    .action((what: What, flags: ExportFlags) => runExport(what, flags))
}
