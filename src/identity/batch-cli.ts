// `coso id batch send|receive|hand-over --numbers FILE|-`: a batch from a file of references (a
// scanner's output, one a line), the same as POST /api/id/batches with the operator's province-wide
// reach. Prints the counts and every reference not taken with its line; exit 1 when any was not
// taken (the good ones are taken all the same), so a script notices.
import { readFileSync } from 'node:fs'
import { type Command, Option } from 'commander'
import { cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, parseDate, printJson, withDb, withDbFlags } from '../cli/common.ts'
import { badInput } from '../platform/errors.ts'
import { BATCH_LIMIT, type BatchKind, type BatchResult, type Counts, readNumbers, runBatch } from './batch.ts'

type BatchFlags = DbFlags & { numbers: string; on?: string; receiver?: string; note?: string; dryRun?: boolean }

const COMMANDS: [string, BatchKind, string][] = [
  ['send', 'send', 'send applications to production / gửi hồ sơ đi sản xuất thẻ'],
  ['receive', 'receive', 'cards back from production, at the commune (produced, then arrived) / nhận thẻ về xã'],
  ['hand-over', 'hand_over', 'hand the cards over, all to one --receiver / trả thẻ'],
]

const COUNT_NAMES: Record<keyof Counts, string> = {
  ok: 'nhận / taken',
  refused: 'bị từ chối / refused',
  unknown: 'không tìm thấy / unknown',
  unreadable: 'không đọc được / unreadable',
  duplicate: 'trùng / duplicate',
}

function report(result: BatchResult, lines: number[], file: string) {
  const head = result.dry_run
    ? 'xem trước, không ghi / preview, nothing written'
    : result.batch
      ? `lô / batch ${result.batch.id}`
      : 'không ghi lô / no batch written'
  out(`${head}: ${result.kind} ${result.on}`)
  out(
    `  ${Object.entries(result.counts)
      .map(([k, n]) => `${COUNT_NAMES[k as keyof Counts]} ${n}`)
      .join(' · ')}`,
  )
  for (const [i, item] of result.items.entries()) {
    if (item.outcome === 'ok') continue
    const why = item.message ? ` — ${item.message.vi} / ${item.message.en}` : ''
    out(`${file}:${lines[i]} ${item.ref} ${item.outcome}${item.rule ? ` ${item.rule}` : ''}${why}`)
  }
}

export function registerBatchCommands(program: Command) {
  const id = program.commands.find((c) => c.name() === 'id') ?? program.command('id')
  const batch = id.command('batch').description('many applications at once from scanned or typed numbers / xử lý hồ sơ cấp thẻ theo lô')
  for (const [name, kind, description] of COMMANDS) {
    const command = jsonFlag(withDbFlags(batch.command(name)))
      .description(description)
      .requiredOption('--numbers <file>', 'personal ID numbers or slip numbers, one a line (- for stdin)')
      .addOption(new Option('--on <date>', 'the day the steps were taken (YYYY-MM-DD); default today').argParser(parseDate))
      .option('--note <text>', 'a note kept with the batch')
      .option('--dry-run', 'report what would happen; write nothing')
    if (kind === 'hand_over') command.requiredOption('--receiver <text>', 'who received the cards, for all of them (e.g. "Chính chủ")')
    command.action(async (flags: BatchFlags) => {
      const text = flags.numbers === '-' ? readFileSync(0, 'utf8') : readFileSync(flags.numbers, 'utf8')
      const { refs, lines } = readNumbers(text)
      if (refs.length === 0) throw badInput({ vi: `${flags.numbers}: không có số nào`, en: `${flags.numbers}: no numbers in it` })
      if (refs.length > BATCH_LIMIT) {
        throw badInput({
          vi: `${flags.numbers}: ${refs.length} số — một lô có tối đa ${BATCH_LIMIT}; chia tệp ra`,
          en: `${flags.numbers}: ${refs.length} numbers — a batch takes at most ${BATCH_LIMIT}; split the file`,
        })
      }
      const result = await withDb(flags, (db) =>
        runBatch(db, cliActor(), { kind, refs, on: flags.on, receiver: flags.receiver, note: flags.note, dry_run: flags.dryRun }, null),
      )
      if (flags.json) printJson(result)
      else report(result, lines, flags.numbers === '-' ? 'stdin' : flags.numbers)
      if (result.counts.ok + result.counts.duplicate < result.items.length) process.exitCode = 1
    })
  }
}
