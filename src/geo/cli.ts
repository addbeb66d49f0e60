// `coso units …` and `coso hamlets …`.

import { readFileSync } from 'node:fs'
import { type Command, Option } from 'commander'
import { auditWrite, cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, printJson, printTable, whenFlags, withDb, withDbFlags } from '../cli/common.ts'
import { parseCsv } from '../platform/csv.ts'
import type { Era } from './eras.ts'
import * as geo from './service.ts'

type WhenFlags = DbFlags & { era?: Era; on?: string }

const UNIT_COLUMNS = ['code', 'name', 'level', 'era', 'valid_from', 'valid_to', 'parent_code']

export function registerGeoCommands(program: Command) {
  const units = program.command('units').description('administrative units across eras / đơn vị hành chính')

  jsonFlag(whenFlags(withDbFlags(units.command('list'))))
    .description('units in force on a date (default today) / đơn vị đang có hiệu lực')
    .option('--parent <code>', 'only units under this parent (a district or province code)')
    .addOption(new Option('--level <level>', 'province, district or commune').choices(['province', 'district', 'commune']))
    .action((flags: WhenFlags & { parent?: string; level?: 'province' | 'district' | 'commune' }) =>
      withDb(flags, async (db) => {
        const items = await geo.listUnits(db.kysely, flags)
        flags.json ? printJson(items) : printTable(items as never, UNIT_COLUMNS)
      }),
    )

  jsonFlag(whenFlags(withDbFlags(units.command('search').argument('<text>', 'name, any case, with or without diacritics'))))
    .description('search units by name in every era / tìm theo tên')
    .action((text: string, flags: WhenFlags) =>
      withDb(flags, async (db) => {
        const items = await geo.searchUnits(db.kysely, text, flags)
        flags.json ? printJson(items) : printTable(items as never, UNIT_COLUMNS)
      }),
    )

  jsonFlag(whenFlags(withDbFlags(units.command('get').argument('<code>', 'unit code'))))
    .description('the unit a code meant on a date (default today) / đơn vị theo mã')
    .action((code: string, flags: WhenFlags) =>
      withDb(flags, async (db) => {
        const unit = await geo.getUnit(db.kysely, code, flags)
        flags.json ? printJson(unit) : printTable([unit as never], UNIT_COLUMNS)
      }),
    )

  jsonFlag(whenFlags(withDbFlags(units.command('successors').argument('<code>', 'old unit code'))))
    .description('units in force today that an old unit became / đơn vị kế tiếp')
    .action((code: string, flags: WhenFlags) =>
      withDb(flags, async (db) => {
        const items = await geo.successors(db.kysely, code, flags)
        flags.json ? printJson(items) : printTable(items as never, ['code', 'name', 'portion', 'era'])
      }),
    )

  jsonFlag(
    whenFlags(withDbFlags(units.command('set-successor').argument('<code>', 'old unit code').argument('<successor>', 'its successor'))),
  )
    .description('record a successor the law did not name (e.g. Yết Kiêu 06682) / đặt đơn vị kế tiếp')
    .addOption(new Option('--portion <portion>', 'whole or part').choices(['whole', 'part']).default('whole'))
    .action((code: string, successor: string, flags: WhenFlags & { portion: 'whole' | 'part' }) =>
      withDb(flags, async (db) => {
        const items = await geo.setSuccessor(db.kysely, code, successor, flags.portion, flags)
        await auditWrite(db, cliActor(), 'unit.successor', `unit:${code}`, { code: successor, portion: flags.portion })
        flags.json ? printJson(items) : printTable(items as never, ['code', 'name', 'portion', 'era'])
      }),
    )

  jsonFlag(withDbFlags(units.command('resolve').argument('<address>', 'free-text address')))
    .description('find the unit(s) an address names / nhận dạng địa chỉ')
    .option('--on <date>', 'favour units valid on this date')
    .action((address: string, flags: DbFlags & { on?: string }) =>
      withDb(flags, async (db) => {
        const result = await geo.resolveAddress(db.kysely, address, flags.on)
        if (flags.json) return printJson(result)
        printTable(result.candidates as never, ['code', 'name', 'era', 'confidence'])
        if (result.ambiguous) out('(nhiều khả năng / ambiguous)')
      }),
    )

  const hamlets = program.command('hamlets').description('hamlets (thôn, bản, khu, tổ) of communes / thôn, tổ')

  jsonFlag(whenFlags(withDbFlags(hamlets.command('add').argument('<names...>', 'hamlet names'))))
    .description('add hamlets to a commune / thêm thôn, tổ')
    .requiredOption('--unit <code>', 'commune code')
    .option('--kind <kind>', 'thôn, bản, khu, tổ… (default: from the name)')
    .action((names: string[], flags: WhenFlags & { unit: string; kind?: string }) =>
      withDb(flags, async (db) => {
        const result = await geo.addHamlets(
          db.kysely,
          flags.unit,
          names.map((name) => ({ name, kind: flags.kind })),
          flags,
        )
        if (flags.json) return printJson(result)
        out(`thêm / added: ${result.added.length}; đã có / existing: ${result.existing.length}`)
      }),
    )

  jsonFlag(whenFlags(withDbFlags(hamlets.command('list'))))
    .description('hamlets of a commune / danh sách thôn, tổ')
    .requiredOption('--unit <code>', 'commune code')
    .action((flags: WhenFlags & { unit: string }) =>
      withDb(flags, async (db) => {
        const items = await geo.listHamlets(db.kysely, flags.unit, flags)
        flags.json ? printJson(items) : printTable(items as never, ['name', 'kind', 'unit_code', 'id'])
      }),
    )

  jsonFlag(whenFlags(withDbFlags(hamlets.command('import').argument('<file>', 'CSV with unit_code,name[,kind]'))))
    .description('import hamlets from a CSV file / nhập thôn, tổ từ tệp CSV')
    .action((file: string, flags: WhenFlags) => {
      const rows = parseCsv(readFileSync(file, 'utf8'), file)
      return withDb(flags, async (db) => {
        const report = await geo.importHamlets(db.kysely, rows, flags)
        await auditWrite(db, cliActor(), 'unit.hamlets', 'hamlets', { rows: rows.length })
        if (flags.json) return printJson(report)
        out(`thêm / added: ${report.added}; đã có / existing: ${report.existing}; bị từ chối / rejected: ${report.rejected.length}`)
        for (const r of report.rejected) process.stderr.write(`${file}:${r.row}: ${r.field}: ${r.message.vi} / ${r.message.en}\n`)
      })
    })
}
