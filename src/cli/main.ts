// `coso`: results on stdout (--json where a tool reads them), progress and logs on stderr;
// exit 0 when the command did its job, non-zero with a clear message when it could not.
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { registerAccessCommands } from '../access/cli.ts'
import { seedDemoUsers } from '../access/demo.ts'
import { auditWrite, cliActor } from '../access/service.ts'
import { startServer } from '../app.ts'
import { registerDedupCommands } from '../dedup/cli.ts'
import { registerEventCommands } from '../events/cli.ts'
import { registerGeoCommands } from '../geo/cli.ts'
import { ensureReferenceData } from '../geo/seed.ts'
import { registerBatchCommands } from '../identity/batch-cli.ts'
import { registerCalendarCommands } from '../identity/calendar-cli.ts'
import { registerIdentityCommands } from '../identity/cli.ts'
import { registerDueCommands } from '../identity/due-cli.ts'
import { registerIntakeCommands } from '../intake/cli.ts'
import { DEMO_PERSONS, seedDemo } from '../intake/demo.ts'
import { backup, restore } from '../platform/backup.ts'
import { dbTarget } from '../platform/config.ts'
import { openDatabase } from '../platform/db.ts'
import { createLogger } from '../platform/log.ts'
import { appliedMigrations } from '../platform/migrate.ts'
import { VERSION } from '../platform/version.ts'
import { buildIsCurrent, buildWeb } from '../platform/webapp.ts'
import { cliLogger, type DbFlags, fail, jsonFlag, out, parsePort, printJson, withDb, withDbFlags } from './common.ts'
import { registerExportCommand } from './export-command.ts'

const program = new Command('coso')
  .description('coso — hệ thống thông tin công an xã / information system of the commune police')
  .version(VERSION)
  .showHelpAfterError('(coso --help: hướng dẫn / for usage)')
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .exitOverride()
  // Options belong to the command they follow (`coso import undo B --data D` is undo's --data).
  .enablePositionalOptions()

type ServeFlags = DbFlags & { port: number; host: string }

function serveCommand(name: string, description: string) {
  return withDbFlags(program.command(name))
    .description(description)
    .addOption(new Option('--port <port>', 'port to listen on').default(8080).env('PORT').argParser(parsePort))
    .addOption(new Option('--host <host>', 'address to listen on (0.0.0.0 for the network)').default('127.0.0.1').env('COSO_HOST'))
}

async function serve(flags: ServeFlags, demo: boolean) {
  const logger = createLogger()
  const target = dbTarget(flags)
  const server = await startServer({ target, port: flags.port, host: flags.host, logger })
  out(`coso ${VERSION} (${server.db.engine}) đang phục vụ / listening on ${server.url}`)
  if (demo) {
    const users = await seedDemoUsers(server.db)
    if (users) {
      out('người dùng mẫu / demo users (mật khẩu chỉ in một lần / passwords are printed once):')
      for (const u of users) out(`  ${u.username.padEnd(12)} ${u.password}  ${u.role} — ${u.note}`)
    }
    const dir = target.engine === 'pglite' ? join(target.dataDir, 'uploads') : join(tmpdir(), 'coso-uploads')
    const batch = await seedDemo(server.db, await server.jobs, dir)
    if (batch) {
      process.stderr.write(
        `coso: cơ sở dữ liệu trống: đang nạp ${DEMO_PERSONS.toLocaleString('vi-VN')} người mẫu (lô ${batch}, xem ${server.url}/api/imports/${batch})\n` +
          `      empty database: loading a demo population of ${DEMO_PERSONS} persons in the background (batch ${batch})\n`,
      )
    }
  }
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) process.exit(1) // a second signal: stop now
    stopping = true
    logger.info({ signal }, 'stopping')
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

serveCommand('serve', 'serve the API; never adds data / chạy máy chủ').action((flags: ServeFlags) => serve(flags, false))
serveCommand('start', 'what `npm start` runs: serve, and load a demo population into an empty database / khởi động với dữ liệu mẫu').action(
  (flags: ServeFlags) => serve(flags, true),
)

program
  .command('build-web')
  .description('build the web app into web/dist (npm ci does; serve does when it is missing or stale) / dựng ứng dụng web')
  .action(async () => {
    await buildWeb(cliLogger())
    out(`web/dist: ${buildIsCurrent() ? 'ok' : 'not current'}`)
  })

jsonFlag(withDbFlags(program.command('migrate')))
  .description('create or upgrade the database schema / tạo hoặc nâng cấp cơ sở dữ liệu')
  .action((flags: DbFlags) =>
    withDb(flags, async (db) => {
      const migrations = await appliedMigrations(db.pool)
      if (flags.json) return printJson({ engine: db.engine, migrations })
      out(`${db.engine}: ${migrations.length} migration(s) applied / đã áp dụng`)
      for (const m of migrations) out(`  ${m.name}  ${m.applied_at}`)
    }),
  )

jsonFlag(withDbFlags(program.command('backup')))
  .description('write a backup that restores on either engine; encrypted when COSO_BACKUP_PASSPHRASE is set / sao lưu')
  .requiredOption('--out <file>', 'backup file to write')
  .action((flags: DbFlags & { out: string }) =>
    withDb(flags, async (db) => {
      if (!process.env.COSO_BACKUP_PASSPHRASE) {
        process.stderr.write(
          'coso: cảnh báo: tệp sao lưu chứa dữ liệu cá nhân và KHÔNG được mã hoá (đặt COSO_BACKUP_PASSPHRASE để mã hoá).\n' +
            '      warning: the backup holds personal data and is NOT encrypted (set COSO_BACKUP_PASSPHRASE to encrypt).\n',
        )
      }
      await auditWrite(db, cliActor(), 'backup', 'database', { file: basename(flags.out) })
      const summary = await backup(db, flags.out)
      if (flags.json) return printJson(summary)
      const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0)
      out(`${summary.file}: ${rows} rows in ${Object.keys(summary.tables).length} tables${summary.encrypted ? ', encrypted' : ''}`)
    }),
  )

jsonFlag(withDbFlags(program.command('restore').argument('<file>', 'backup file')))
  .description('restore a backup into a new (or, with --force, replaced) database / khôi phục')
  .option('--force', 'replace a database that already holds data')
  .action(async (file: string, flags: DbFlags & { force?: boolean }) => {
    const logger = cliLogger()
    const db = await openDatabase(dbTarget(flags), { logger, migrate: false })
    try {
      const summary = await restore(db, file, { force: flags.force })
      await auditWrite(db, cliActor(), 'restore', 'database', { file: basename(file) })
      await ensureReferenceData(db.kysely)
      if (flags.json) return printJson(summary)
      const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0)
      out(`${db.engine}: restored ${rows} rows in ${Object.keys(summary.tables).length} tables / đã khôi phục`)
    } finally {
      await db.close()
    }
  })

registerGeoCommands(program)
registerIntakeCommands(program)
registerAccessCommands(program)
registerDedupCommands(program)
registerEventCommands(program)
registerIdentityCommands(program)
registerCalendarCommands(program)
registerDueCommands(program)
registerBatchCommands(program)
registerExportCommand(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2)
  }
  fail(error)
}
