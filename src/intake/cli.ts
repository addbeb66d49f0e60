// `coso import …` and `coso generate …`.
import { createWriteStream, existsSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { finished } from 'node:stream/promises'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { audited, auditWrite, cliActor } from '../access/service.ts'
import { type DbFlags, jsonFlag, out, parseDate, printJson, withDb, withDbFlags } from '../cli/common.ts'
import { progressReporter } from '../cli/progress.ts'
import { csvLine } from '../platform/csv.ts'
import { startJobs } from '../platform/jobs.ts'
import { writeCorrections } from './corrections.ts'
import { DC01_KEYS } from './dc01.ts'
import { ENCODINGS, type Encoding, encode } from './encoding.ts'
import { generateForms, loadReferenceData } from './generate.ts'
import { type ImportReport, prepareBatch } from './import.ts'
import { createImportQueue, IMPORT_QUEUE, type ImportJob, runJob } from './jobs.ts'
import { undoBatch } from './service.ts'

const encodingOption = () =>
  new Option('--encoding <encoding>', 'force the file encoding instead of detecting it').choices(ENCODINGS as unknown as string[])

function rate(value: string): number {
  const n = Number(value)
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('a rate is between 0 and 1 / tỉ lệ từ 0 đến 1')
  return n
}

function count(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number ≥ 0 / số nguyên ≥ 0')
  return n
}

type ImportFlags = DbFlags & { encoding?: Encoding; corrections?: string }

/** The CLI runs its import as a pg-boss job in its own process and returns when it is done. */
async function importFile(file: string, flags: ImportFlags): Promise<void> {
  if (!existsSync(file)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT', path: file })
  await withDb(flags, async (db, logger) => {
    const actor = cliActor()
    const batch = await prepareBatch(db, file, { encoding: flags.encoding, createdBy: actor.name })
    await auditWrite(db, actor, 'import', `batch:${batch.id}`, { file: basename(file), resumed_after: batch.rows_done })
    if (batch.rows_done > 0)
      process.stderr.write(
        `coso: tiếp tục lô ${batch.id} từ dòng ${batch.rows_done + 1} / resuming batch ${batch.id} after row ${batch.rows_done}\n`,
      )
    const jobs = await startJobs(db, logger)
    const progress = progressReporter('nhập/import')
    let report: ImportReport | undefined
    try {
      await createImportQueue(jobs)
      const data: ImportJob = { batch_id: batch.id, path: file, encoding: flags.encoding }
      const jobId = await jobs.send(IMPORT_QUEUE, data)
      // This process works the job it sent (and only that one).
      const done = new Promise<void>((resolve, reject) => {
        jobs
          .work<ImportJob>(IMPORT_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
            if (!job) return
            if (job.id !== jobId) throw new Error('not this process’s job')
            try {
              report = await runJob(db, job.data, {
                onProgress: (p) => progress.update(p.bytes, p.size, p.rows),
              })
              resolve()
            } catch (error) {
              reject(error)
              throw error
            }
          })
          .catch(reject)
      })
      await done
    } finally {
      progress.done()
      await jobs.stop({ graceful: true, timeout: 5000 })
    }
    if (!report) throw new Error('the import did not run')
    let correctionFile: string | null = null
    if (report.outcomes.needs_correction > 0) {
      correctionFile = flags.corrections ?? join(dirname(file), `${basename(file, extname(file))}.corrections.csv`)
      await writeCorrections(db, report.batch_id, correctionFile)
    }
    const full = { ...report, correction_file: correctionFile }
    if (flags.json) return printJson(full)
    const o = report.outcomes
    out(`lô / batch ${report.batch_id}: ${report.rows} dòng / rows (${report.format}${report.encoding ? `, ${report.encoding}` : ''})`)
    out(
      `  nhận / accepted ${o.accepted} · có cảnh báo / with warnings ${o.accepted_with_warnings} · cần sửa / needs correction ${o.needs_correction}`,
    )
    out(`  trùng / duplicate ${o.duplicate} · xung đột / conflict ${o.conflict}`)
    for (const [rule, n] of Object.entries(report.rules).sort((a, b) => b[1] - a[1])) out(`  ${rule}: ${n}`)
    if (correctionFile) out(`tệp sửa lỗi / correction file: ${correctionFile}`)
  })
}

export function registerIntakeCommands(program: Command) {
  const importCommand = jsonFlag(withDbFlags(program.command('import')))
    .description('import DC01 forms from CSV, XLSX or JSON Lines / nhập phiếu DC01')
    .argument('<file>', 'the file to import')
    .addOption(encodingOption())
    .option('--corrections <file>', 'where to write the correction file (.csv or .xlsx; default beside the input)')
    .action((file: string, flags: ImportFlags) => importFile(file, flags))

  jsonFlag(withDbFlags(importCommand.command('undo')))
    .description('withdraw a whole import batch while none of its persons was merged or edited / huỷ một lô nhập')
    .argument('<batch>', 'batch id')
    .action((batch: string, flags: DbFlags) =>
      withDb(flags, async (db) => {
        const result = await audited(db, cliActor(), 'import.undo', async (client) => ({ result: await undoBatch(client, batch, null) }), {
          target: `batch:${batch}`,
        })
        if (flags.json) return printJson(result)
        out(`đã huỷ lô / withdrew batch ${batch}: ${result.forms} phiếu / forms, ${result.persons} người / persons`)
      }),
    )

  jsonFlag(withDbFlags(importCommand.command('corrections')))
    .description('write the correction file of a batch / xuất tệp sửa lỗi của một lô')
    .argument('<batch>', 'batch id')
    .requiredOption('--out <file>', '.csv or .xlsx')
    .action((batch: string, flags: DbFlags & { out: string }) =>
      withDb(flags, async (db) => {
        await auditWrite(db, cliActor(), 'import.corrections', `batch:${batch}`, { file: basename(flags.out) })
        const n = await writeCorrections(db, batch, flags.out)
        if (flags.json) return printJson({ file: flags.out, forms: n })
        out(`${flags.out}: ${n} phiếu / forms`)
      }),
    )

  program
    .command('generate')
    .description('write a realistic synthetic DC01 file and its ground truth / tạo dữ liệu giả lập')
    .requiredOption('--persons <n>', 'number of distinct persons', count)
    .requiredOption('--out <file>', 'the DC01 CSV to write')
    .option('--seed <n>', 'random seed (same seed, same file)', count, 1)
    .option('--dup-rate <r>', 'share of persons with an extra form', rate, 0)
    .option('--error-rate <r>', 'share of forms with injected errors', rate, 0)
    .addOption(new Option('--encoding <encoding>', 'write in a legacy encoding').choices(ENCODINGS as unknown as string[]).default('utf-8'))
    .option('--truth <file>', 'ground-truth CSV (default: OUT with .truth.csv)')
    .addOption(
      new Option('--collected-from <date>', 'first collection day (before 1 July 2025: forms name 2024 units)').argParser(parseDate),
    )
    .addOption(new Option('--collected-to <date>', 'last collection day').argParser(parseDate))
    .action(
      async (flags: {
        persons: number
        out: string
        seed: number
        dupRate: number
        errorRate: number
        encoding: Encoding
        truth?: string
        collectedFrom?: string
        collectedTo?: string
      }) => {
        const truthPath = flags.truth ?? join(dirname(flags.out), `${basename(flags.out, extname(flags.out))}.truth.csv`)
        const data = createWriteStream(flags.out)
        const truth = createWriteStream(truthPath)
        const write = async (stream: typeof data, text: string, encoding: Encoding) => {
          const bytes = encoding === 'utf-8' ? text : Buffer.from(encode(text, encoding))
          if (!stream.write(bytes)) await new Promise<void>((r) => stream.once('drain', () => r()))
        }
        await write(data, `${csvLine([...DC01_KEYS])}\n`, flags.encoding)
        await write(truth, `${csvLine(['form_no', 'collecting_unit', 'person', 'errors'])}\n`, 'utf-8')
        const progress = progressReporter('tạo/generate')
        let forms = 0
        let buffer = ''
        for (const g of generateForms(
          {
            persons: flags.persons,
            seed: flags.seed,
            dupRate: flags.dupRate,
            errorRate: flags.errorRate,
            collectedFrom: flags.collectedFrom,
            collectedTo: flags.collectedTo,
          },
          loadReferenceData(),
        )) {
          buffer += `${csvLine(
            DC01_KEYS.map((k) => g.form[k]),
            false,
          )}\n`
          await write(truth, `${csvLine([g.truth.form_no, g.truth.collecting_unit, g.truth.person, g.truth.errors.join(';')])}\n`, 'utf-8')
          forms++
          if (buffer.length > 256 * 1024) {
            await write(data, buffer, flags.encoding)
            buffer = ''
            progress.update(forms, Math.round(flags.persons * (1 + flags.dupRate * 1.05)), forms)
          }
        }
        await write(data, buffer, flags.encoding)
        progress.done()
        data.end()
        truth.end()
        await Promise.all([finished(data), finished(truth)])
        out(`${flags.out}: ${forms} phiếu / forms for ${flags.persons} persons (${flags.encoding}); truth: ${truthPath}`)
      },
    )
}
