// `coso population` and `coso reorganisation …`: counts a tool can read (one number, or
// CODE<TAB>COUNT lines), and the split communes' state for an operator; `coso events import`:
// life events from a CSV file, with a report and a correction file like the form import's.
import { existsSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, parseDate, parseEra, printJson, printTable, withDb, withDbFlags } from '../cli/common.ts'
import { progressReporter } from '../cli/progress.ts'
import { type Era, today } from '../geo/eras.ts'
import { ENCODINGS, type Encoding } from '../intake/encoding.ts'
import { badInput } from '../platform/errors.ts'
import { importEvents, openEventsFile } from './import.ts'
import * as population from './population.ts'

type EventsImportFlags = DbFlags & { encoding?: Encoding; corrections?: string }

async function importEventsFile(file: string, flags: EventsImportFlags): Promise<void> {
  if (!existsSync(file)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT', path: file })
  const correctionFile = flags.corrections ?? join(dirname(file), `${basename(file, extname(file))}.corrections.csv`)
  if (extname(correctionFile).toLowerCase() !== '.csv') {
    throw badInput({ vi: '--corrections: tệp sửa lỗi là tệp .csv.', en: '--corrections: the correction file is a .csv file.' })
  }
  if (resolve(correctionFile) === resolve(file)) {
    throw badInput({ vi: '--corrections: không ghi đè tệp đang nhập.', en: '--corrections: not the file being imported.' })
  }
  // The file's own problems (empty, binary, a missing column) are told before the database is opened.
  const source = await openEventsFile(file, { encoding: flags.encoding })
  await withDb(flags, async (db) => {
    const progress = progressReporter('sự kiện/events')
    let report: Awaited<ReturnType<typeof importEvents>>
    try {
      report = await importEvents(db, source, {
        actor: cliActor(),
        correctionFile,
        onProgress: (p) => progress.update(p.rows, p.rowsAbout, p.rows),
      })
    } finally {
      progress.done()
    }
    if (flags.json) return printJson(report)
    const o = report.outcomes
    out(`lô / batch ${report.batch_id}: ${report.rows} dòng / rows (csv, ${report.encoding})`)
    out(
      `  ghi / recorded ${o.recorded} · bị từ chối / refused ${o.refused} · không hợp lệ / invalid ${o.invalid} · trùng / duplicate ${o.duplicate}`,
    )
    for (const [rule, n] of Object.entries(report.rules).sort((a, b) => b[1] - a[1])) out(`  ${rule}: ${n}`)
    if (report.unknown_columns.length > 0) out(`cột không dùng / columns not used: ${report.unknown_columns.join(', ')}`)
    if (report.correction_file) out(`tệp sửa lỗi / correction file: ${report.correction_file}`)
  })
}

export function registerEventCommands(program: Command) {
  const events = program.command('events').description('life events / sự kiện hộ tịch, cư trú')

  jsonFlag(withDbFlags(events.command('import')))
    .description('record life events from a CSV file (docs/formats/events-csv.md) / nhập sự kiện từ tệp CSV')
    .argument('<file>', 'the CSV file, one event per row')
    .addOption(
      new Option('--encoding <encoding>', 'force the file encoding instead of detecting it').choices(ENCODINGS as unknown as string[]),
    )
    .option('--corrections <file>', 'where to write the rows to fix (.csv; default FILE.corrections.csv beside the input)')
    .action((file: string, flags: EventsImportFlags) => importEventsFile(file, flags))

  jsonFlag(withDbFlags(program.command('population')))
    .description(
      'persons living on a day: one number for --unit, else CODE<TAB>COUNT for every unit of the era / dân số theo đơn vị tại một ngày',
    )
    .addOption(new Option('--on <date>', 'the day (YYYY-MM-DD); default today').argParser(parseDate))
    .addOption(new Option('--unit <code>', "a unit of the era (default today's era)"))
    .addOption(new Option('--era <era>', 'the map the units belong to: 2024 or 2025').argParser(parseEra).default(2025))
    .action(async (flags: DbFlags & { on?: string; unit?: string; era: Era }) => {
      await withDb(flags, async (db) => {
        const on = flags.on ?? today()
        if (flags.unit) {
          const unit = await population.unitPopulation(db, flags.unit, on, flags.era)
          return flags.json ? printJson(unit) : out(String(unit.persons))
        }
        const all = await population.population(db, on, flags.era)
        if (flags.json) return printJson(all)
        out(all.lines.map((l) => `${l.unit}\t${l.persons}`).join('\n'))
      })
    })

  const reorganisation = program.command('reorganisation').description('the 2025 reorganisation / sắp xếp đơn vị hành chính 2025')

  jsonFlag(withDbFlags(reorganisation.command('queue')))
    .description('split communes: households placed and still to place, by hamlet / hàng đợi xếp hộ')
    .action(async (flags: DbFlags) => {
      await withDb(flags, async (db) => {
        const communes = await population.splitQueue(db, null)
        if (flags.json) return printJson({ communes })
        printTable(
          communes.map((c) => ({
            old: `${c.old_code} ${c.old_name}`,
            successors: c.successors.map((s) => s.code).join(' '),
            households: c.households,
            unplaced: c.unplaced_households,
          })),
          ['old', 'successors', 'households', 'unplaced'],
        )
      })
    })

  jsonFlag(withDbFlags(reorganisation.command('reconcile')))
    .description('households and persons before and after the reform; exits 1 when a count differs / đối chiếu')
    .addOption(new Option('--on <date>', 'the day (YYYY-MM-DD); default today').argParser(parseDate))
    .action(async (flags: DbFlags & { on?: string }) => {
      await withDb(flags, async (db) => {
        const r = await population.reconcile(db, flags.on ?? today())
        const differing = r.new.filter((u) => u.difference)
        if (flags.json) printJson(r)
        else {
          out(`chưa xếp / unplaced (split): ${r.unplaced.households} households, ${r.unplaced.persons} persons`)
          out(`đơn vị lệch / units that differ: ${differing.length}`)
          if (differing.length > 0) printTable(differing, ['code', 'households', 'inflow_households', 'persons', 'inflow_persons'])
        }
        if (differing.length > 0) process.exitCode = 1
      })
    })
}
