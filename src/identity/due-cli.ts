// `coso id cards import FILE.csv`: the cards people held before coso, from a file, with a report of
// every row not recorded (file, row, field, rule). `coso id due`: a due list for door-to-door work
// as CSV or XLSX, with a progress line on stderr.
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, extname, resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { cliActor, writeAudit } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, parseDate, printJson, withDb, withDbFlags } from '../cli/common.ts'
import { progressReporter } from '../cli/progress.ts'
import { ENCODINGS, type Encoding } from '../intake/encoding.ts'
import { inTransaction } from '../platform/db.ts'
import { badInput } from '../platform/errors.ts'
import { DUE_LIST_NAMES, DUE_LISTS, type DueList, MONTHS } from './due.ts'
import * as due from './due-service.ts'

function parseList(value: string): DueList {
  if (!DUE_LISTS.includes(value as DueList))
    throw new InvalidArgumentError(`one of ${DUE_LISTS.join(', ')} / một trong ${DUE_LISTS.join(', ')}`)
  return value as DueList
}

function parseMonths(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < MONTHS.min || n > MONTHS.max) {
    throw new InvalidArgumentError(`a whole number ${MONTHS.min}–${MONTHS.max} / số nguyên từ ${MONTHS.min} đến ${MONTHS.max}`)
  }
  return n
}

function parseUnit(value: string): string {
  if (!/^\d{5}$/.test(value)) throw new InvalidArgumentError('a 5-digit unit code / mã đơn vị 5 chữ số')
  return value
}

type DueFlags = DbFlags & { list: DueList; months: number; unit?: string; on?: string; format?: due.FileFormat; out?: string }

const BY_EXTENSION: Record<string, due.FileFormat> = { '.csv': 'csv', '.xlsx': 'xlsx' }

async function writeDue(flags: DueFlags): Promise<void> {
  const format = flags.format ?? (flags.out ? BY_EXTENSION[extname(flags.out).toLowerCase()] : undefined)
  if (!format) {
    throw badInput({
      vi: 'Chọn định dạng: --format csv hoặc xlsx (hoặc --out với đuôi .csv, .xlsx).',
      en: 'Choose a format: --format csv or xlsx (or --out with a .csv or .xlsx name).',
    })
  }
  if (flags.out) {
    const dir = dirname(resolve(flags.out))
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw badInput({ vi: `Không có thư mục ${dir} để ghi ${flags.out}.`, en: `No directory ${dir} to write ${flags.out} in.` })
    }
  } else if (format === 'xlsx' && process.stdout.isTTY) {
    throw badInput({
      vi: 'Không in tệp XLSX ra màn hình: dùng --out TỆP.xlsx.',
      en: 'Will not print an XLSX file to the terminal: use --out FILE.xlsx.',
    })
  }
  const params = { list: flags.list, months: flags.months, unit: flags.unit, on: flags.on }
  due.checkParams(params)
  // A file appears under its name only once complete: a failed run leaves no half file.
  const partial = flags.out ? `${flags.out}.${process.pid}.partial` : undefined
  let rows = 0
  try {
    await withDb(flags, async (db) => {
      const map = await due.dueMap(db)
      const stream = partial ? createWriteStream(partial) : process.stdout
      const sink = await due.dueSink(format, stream)
      const progress = progressReporter(DUE_LIST_NAMES[flags.list].vi)
      const actor = cliActor()
      try {
        await inTransaction(db, async (client) => {
          rows = await due.writeDueList(client, map, params, null, sink, { progress: (done, total) => progress.update(done, total, done) })
          await writeAudit(client, actor, 'id.due.read', 'ok', {
            target: flags.out ? `file:${basename(flags.out)}` : 'stdout',
            details: { ...params, format, rows },
          })
        })
        if (stream !== process.stdout) {
          if (!stream.writableEnded) stream.end()
          await finished(stream)
        }
      } catch (error) {
        if (stream !== process.stdout) stream.destroy()
        throw error
      } finally {
        progress.done()
      }
    })
  } catch (error) {
    if (partial) rmSync(partial, { force: true })
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return
    throw error
  }
  const what = `${rows} người / persons (${flags.list}, ${format})`
  if (!partial || !flags.out) {
    process.stderr.write(`coso: ${what}\n`)
    return
  }
  renameSync(partial, flags.out)
  if (flags.json) return printJson({ file: flags.out, format, list: flags.list, rows })
  out(`${flags.out}: ${what}`)
}

async function importCardsFile(file: string, flags: DbFlags & { encoding?: Encoding }): Promise<void> {
  if (!existsSync(file)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT', path: file })
  // The file's own problems (empty, binary, a missing column) are told before the database is opened.
  const source = await due.openCardsFile(file, { encoding: flags.encoding })
  await withDb(flags, async (db) => {
    const report = await due.importCards(db, source, { actor: cliActor() })
    if (flags.json) return printJson(report)
    const o = report.outcomes
    out(`${basename(report.file)}: ${report.rows} dòng / rows (csv, ${report.encoding})`)
    out(
      `  ghi / recorded ${o.recorded} · số không có trong sổ / unknown number ${o.unknown_number} · ` +
        `không hợp lệ / invalid ${o.invalid} · trùng / duplicate ${o.duplicate}`,
    )
    for (const [rule, n] of Object.entries(report.rules).sort((a, b) => b[1] - a[1])) out(`  ${rule}: ${n}`)
    if (report.unknown_columns.length > 0) out(`cột không dùng / columns not used: ${report.unknown_columns.join(', ')}`)
    for (const p of report.problems) {
      out(`${p.file}:${p.row} ${p.field} ${p.rule}: ${p.vi} / ${p.en}`)
    }
  })
}

export function registerDueCommands(program: Command) {
  const id = program.commands.find((c) => c.name() === 'id') ?? program.command('id')
  const cards = id.command('cards').description('identity cards people hold / thẻ căn cước đã cấp')

  jsonFlag(withDbFlags(cards.command('import')))
    .description('record the cards people held before coso, from a CSV file (docs/formats/id-cards-csv.md) / nhập thẻ đã cấp từ tệp CSV')
    .argument('<file>', 'the CSV file: personal_id, issued_on (or Số định danh cá nhân, Ngày cấp)')
    .addOption(
      new Option('--encoding <encoding>', 'force the file encoding instead of detecting it').choices(ENCODINGS as unknown as string[]),
    )
    .action((file: string, flags: DbFlags & { encoding?: Encoding }) => importCardsFile(file, flags))

  jsonFlag(withDbFlags(id.command('due')))
    .description(
      'a due list for door-to-door work: renewal (reaching 14, 25, 40, 60 soon), missing (14+ without a valid card), expired / danh sách cần cấp, đổi thẻ',
    )
    .addOption(new Option('--list <list>', 'renewal, missing or expired').argParser(parseList).makeOptionMandatory())
    .addOption(new Option('--months <n>', 'how many months ahead the renewal list looks').argParser(parseMonths).default(MONTHS.default))
    .addOption(new Option('--unit <code>', 'a unit of today (default: the whole province)').argParser(parseUnit))
    .addOption(new Option('--on <date>', 'the day (YYYY-MM-DD); default today').argParser(parseDate))
    .addOption(new Option('--format <format>', 'csv or xlsx (default: from the --out name)').choices(['csv', 'xlsx']))
    .option('--out <file>', 'write to this file instead of stdout')
    .action((flags: DueFlags) => writeDue(flags))
}
