// `coso dedup …`: a contract other tools rely on — results on stdout, CSV as UTF-8 without BOM.
import { type Command, Option } from 'commander'
import { auditWrite, cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, printJson, printTable, withDb, withDbFlags } from '../cli/common.ts'
import { provinceCode } from '../platform/config.ts'
import { csvLine } from '../platform/csv.ts'
import { undoMerge } from './merges.ts'
import * as q from './queries.ts'
import { runDedup } from './service.ts'

const csvFormat = () => new Option('--format <format>', 'output format').choices(['csv']).default('csv')

export function registerDedupCommands(program: Command) {
  const dedup = program.command('dedup').description('deduplication of the register / khử trùng lặp nhân khẩu')

  jsonFlag(withDbFlags(dedup.command('run')))
    .description('score every candidate pair of persons, link the certain ones, queue the rest for review')
    .action(async (flags: DbFlags) => {
      await withDb(flags, async (db) => {
        const actor = cliActor()
        const report = await runDedup(db, {
          actor,
          onProgress: (stage) => process.stderr.write(`coso: khử trùng lặp / dedup: ${stage}\n`),
          onBlocking: (perRule) => {
            for (const [rule, c] of Object.entries(perRule)) {
              process.stderr.write(
                `coso: khối / blocking ${rule}: ${c.pairs} cặp / pairs in ${c.blocks} khối / blocks` +
                  (c.capped ? `, ${c.capped} khối quá lớn bỏ qua / hot blocks skipped (${c.cappedPairs} pairs)` : '') +
                  '\n',
              )
            }
          },
        })
        await auditWrite(db, actor, 'dedup.run', `run:${report.run_id}`, {
          pairs: report.pairs_scored,
          links: report.links,
          review: report.review,
          merges: report.merges,
        })
        if (flags.json) return printJson(report)
        out(`cặp đã chấm / pairs scored: ${report.pairs_scored}`)
        out(`liên kết / links: ${report.links}`)
        out(`cần xem xét / review: ${report.review}`)
        out(`hợp nhất / merges: ${report.merges} (${report.persons_merged} persons absorbed)`)
        out(`thời gian / time: ${report.seconds.total} s`)
      })
    })

  withDbFlags(dedup.command('clusters'))
    .description('every form in the register with the person it belongs to (form_no,collecting_unit,person_id)')
    .addOption(csvFormat())
    .action(async (flags: DbFlags) => {
      await withDb(flags, async (db) => {
        out('form_no,collecting_unit,person_id')
        for await (const page of q.clusterRows(db.pool, provinceCode())) {
          process.stdout.write(`${page.map((r) => csvLine([r.form_no, r.collecting_unit, r.person_id])).join('\n')}\n`)
        }
      })
    })

  withDbFlags(dedup.command('pairs'))
    .description('pairs above the auto-distinct threshold, linked or for review')
    .addOption(csvFormat())
    .action(async (flags: DbFlags) => {
      await withDb(flags, async (db) => {
        out('form_no_a,collecting_unit_a,form_no_b,collecting_unit_b,probability,decision')
        for (const r of await q.pairRows(db.pool, provinceCode())) {
          out(csvLine([r.form_no_a, r.collecting_unit_a, r.form_no_b, r.collecting_unit_b, r.probability.toFixed(6), r.decision]))
        }
      })
    })

  jsonFlag(withDbFlags(dedup.command('merges')))
    .description('merges in the order they were made, with their state')
    .action(async (flags: DbFlags) => {
      await withDb(flags, async (db) => {
        const rows = await q.merges(db.pool, provinceCode())
        if (flags.json) return printJson(rows)
        printTable(rows as unknown as Record<string, unknown>[], [
          'id',
          'state',
          'origin',
          'survivor_id',
          'absorbed',
          'requested_by',
          'approved_by',
        ])
      })
    })

  jsonFlag(withDbFlags(dedup.command('unmerge')))
    .description('undo a merge: the register as it was before it')
    .argument('<merge-id>', 'the merge (see coso dedup merges)')
    .action(async (mergeId: string, flags: DbFlags) => {
      await withDb(flags, async (db) => {
        const result = await undoMerge(db, cliActor(), mergeId)
        if (flags.json) return printJson(result)
        out(`đã tách / unmerged: ${result.restored.join(', ')}`)
      })
    })
}
