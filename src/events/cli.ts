// `coso population` and `coso reorganisation …`: counts a tool can read (one number, or
// CODE<TAB>COUNT lines), and the split communes' state for an operator.
import { type Command, Option } from 'commander'
import { type DbFlags, jsonFlag, out, parseDate, parseEra, printJson, printTable, withDb, withDbFlags } from '../cli/common.ts'
import { type Era, today } from '../geo/eras.ts'
import * as population from './population.ts'

export function registerEventCommands(program: Command) {
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
