// `coso calendar …`: the working-day calendar (days off, Saturdays worked) and deadlines.
import { type Command, InvalidArgumentError } from 'commander'
import { auditWrite, cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, printJson, printTable, withDb, withDbFlags } from '../cli/common.ts'
import * as calendar from './calendar-service.ts'

function parseYear(value: string): number {
  const year = Number(value)
  if (!/^\d{4}$/.test(value) || year < 1900 || year > 2199) throw new InvalidArgumentError('a year 1900–2199 / năm từ 1900 đến 2199')
  return year
}

function parseDays(value: string): number {
  const days = Number(value)
  if (!/^\d+$/.test(value) || days < 1 || days > 366) throw new InvalidArgumentError('a whole number 1–366 / số nguyên từ 1 đến 366')
  return days
}

export function registerCalendarCommands(program: Command) {
  const cal = program.command('calendar').description('working-day calendar: days off, Saturdays worked, deadlines / lịch ngày làm việc')

  jsonFlag(withDbFlags(cal.command('list')))
    .description('days off and Saturdays worked in exchange / ngày nghỉ và ngày làm bù')
    .option('--year <year>', 'only this year', parseYear)
    .action((flags: DbFlags & { year?: number }) =>
      withDb(flags, async (db) => {
        const days = await calendar.listCalendarDays(db.kysely, flags.year)
        if (flags.json) return printJson(days)
        printTable(
          days.map((d) => ({ ...d, by: d.set_by_admin ? d.changed_by : 'seed' })),
          ['date', 'kind', 'name', 'by'],
        )
      }),
    )

  jsonFlag(withDbFlags(cal.command('set').argument('<date>', 'the day (YYYY-MM-DD)')))
    .description('set a day off or a Saturday worked (replaces what the day was) / đặt ngày nghỉ hoặc ngày làm bù')
    .requiredOption('--kind <kind>', 'holiday, makeup_workday or compensatory_day_off')
    .requiredOption('--name <text>', 'what the day is (e.g. "Tết Âm lịch (mùng 1)")')
    .option('--source <text>', 'the announcement it comes from (e.g. "Thông báo …/TB-BNV")')
    .action((date: string, flags: DbFlags & { kind: string; name: string; source?: string }) => {
      calendar.checkDate(date, 'date')
      calendar.checkKind(flags.kind)
      return withDb(flags, async (db) => {
        const actor = cliActor()
        const day = await calendar.setCalendarDay(db.kysely, { date, kind: flags.kind, name: flags.name, source: flags.source }, actor.name)
        await auditWrite(db, actor, 'calendar.set', `calendar:${date}`, { kind: day.kind })
        flags.json ? printJson(day) : out(`${day.date}  ${day.kind}  ${day.name}`)
      })
    })

  jsonFlag(withDbFlags(cal.command('remove').argument('<date>', 'the day (YYYY-MM-DD)')))
    .description('make a day ordinary again (a weekday works, a weekend does not) / bỏ ngày khỏi lịch')
    .action((date: string, flags: DbFlags) => {
      calendar.checkDate(date, 'date')
      return withDb(flags, async (db) => {
        const actor = cliActor()
        const removed = await calendar.removeCalendarDay(db.kysely, date, actor.name)
        if (removed) await auditWrite(db, actor, 'calendar.remove', `calendar:${date}`)
        if (flags.json) return printJson({ date, removed })
        out(removed ? `${date}: đã bỏ / removed` : `${date}: không có trong lịch / not in the calendar`)
      })
    })

  jsonFlag(withDbFlags(cal.command('deadline')))
    .description('the deadline of N working days from the day a file was complete (counting starts the next day) / hạn giải quyết')
    .requiredOption('--from <date>', 'the day the file was complete (YYYY-MM-DD)')
    .option('--days <n>', 'working days', parseDays, 7)
    .action((flags: DbFlags & { from: string; days: number }) => {
      calendar.checkDate(flags.from, 'from')
      return withDb(flags, async (db) => {
        const d = await calendar.deadlineFrom(db.kysely, flags.from, flags.days)
        if (flags.json) return printJson(d)
        out(d.due)
        if (d.provisional) {
          out(
            `tạm tính: lịch nghỉ Tết năm ${d.estimated_years.join(', ')} chưa có, đã ước tính theo âm lịch / ` +
              `provisional: the Tết days off of ${d.estimated_years.join(', ')} are not in the calendar yet, estimated from the lunar calendar`,
          )
        }
      })
    })
}
