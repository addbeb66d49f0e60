// What every command shares: where the database is, --json, output on stdout, progress and
// logs on stderr, and one way to fail (a clear message, a non-zero exit).
import { type Command, InvalidArgumentError, Option } from 'commander'
import { openCoso } from '../app.ts'
import { ERAS, type Era, isIsoDate } from '../geo/eras.ts'
import { dbTarget } from '../platform/config.ts'
import type { Db } from '../platform/db.ts'
import { AppError } from '../platform/errors.ts'
import { createLogger, type Logger } from '../platform/log.ts'

export interface DbFlags {
  data?: string
  databaseUrl?: string
  json?: boolean
}

/** Adds --data and --database-url to a command that touches the database. */
export function withDbFlags(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'embedded data directory (default $COSO_DATA or ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL server (default $DATABASE_URL)'))
}

export function jsonFlag(command: Command): Command {
  return command.option('--json', 'print the result as JSON on stdout')
}

export function cliLogger(): Logger {
  return createLogger(process.env.COSO_LOG_LEVEL ?? 'warn')
}

/** Opens the database for one command and closes it however the command ends. */
export async function withDb<T>(flags: DbFlags, fn: (db: Db, logger: Logger) => Promise<T>): Promise<T> {
  const logger = cliLogger()
  const db = await openCoso(dbTarget({ data: flags.data, databaseUrl: flags.databaseUrl }), logger)
  const interrupted = () => {
    process.stderr.write('\ncoso: đã ngắt, đang đóng cơ sở dữ liệu… / interrupted, closing the database…\n')
    db.close().finally(() => process.exit(130))
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  try {
    return await fn(db, logger)
  } finally {
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
    await db.close()
  }
}

export function out(text: string) {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
}

export function printJson(value: unknown) {
  out(JSON.stringify(value, null, 2))
}

/** A plain aligned table for people; tools should ask for --json. */
export function printTable(rows: Record<string, unknown>[], columns: string[]) {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => [...cell(r[c])].length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => v + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...v].length)))
      .join('  ')
      .trimEnd()
  out([line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n'))
}

export function parseEra(value: string): Era {
  const era = Number(value) as Era
  if (!ERAS.includes(era)) throw new InvalidArgumentError(`era must be one of ${ERAS.join(', ')} / kỳ phải là ${ERAS.join(' hoặc ')}`)
  return era
}

export function parseDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('use YYYY-MM-DD / dùng dạng YYYY-MM-DD')
  return value
}

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is 0–65535 / cổng từ 0 đến 65535')
  return port
}

export function whenFlags(command: Command): Command {
  return command
    .addOption(new Option('--era <era>', 'era: 2024 or 2025').argParser(parseEra))
    .addOption(new Option('--on <date>', 'the unit valid on this date (YYYY-MM-DD)').argParser(parseDate))
}

export function fail(error: unknown): never {
  if (error instanceof AppError) {
    process.stderr.write(`coso: ${error.text.vi}\n      ${error.text.en}\n`)
    process.exit(error.code === 'BAD_INPUT' ? 2 : 1)
  }
  const e = error as NodeJS.ErrnoException
  if (e?.code === 'ENOENT' && e.path) {
    process.stderr.write(`coso: không tìm thấy tệp ${e.path}\n      file not found: ${e.path}\n`)
    process.exit(2)
  }
  process.stderr.write(`coso: lỗi không mong đợi / unexpected error: ${e?.stack ?? String(error)}\n`)
  process.exit(1)
}
