// `coso users …`, `coso tokens …` and `coso audit …`: the operator's tools on the server itself.
// They need no login (direct database access is already the highest privilege) and everything
// they do is audited under the operating-system user (`cli:<user>`).
import { readFileSync } from 'node:fs'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { type DbFlags, jsonFlag, out, printJson, printTable, withDb, withDbFlags } from '../cli/common.ts'
import type { Db } from '../platform/db.ts'
import { AppError, notFound } from '../platform/errors.ts'
import * as audit from './audit.ts'
import { ROLES } from './roles.ts'
import * as access from './service.ts'

const collect = (value: string, previous: string[] = []) => [...previous, value]

function days(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new InvalidArgumentError('1–366 days / 1–366 ngày')
  return n
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('a date YYYY-MM-DD / ngày dạng YYYY-MM-DD')
  return value
}

/** The password from stdin: the first line, as is (scripts pipe it in). */
function readPasswordStdin(): string {
  const text = readFileSync(0, 'utf8')
  const line = text.split(/\r?\n/)[0] ?? ''
  if (!line) throw new InvalidArgumentError('no password on stdin / không có mật khẩu trên stdin')
  return line
}

function printUsers(users: access.UserView[]) {
  printTable(
    users.map((u) => ({
      username: u.username,
      role: u.role,
      units: u.units.map((x) => `${x.code}:${x.era}`).join(' ') || '(toàn tỉnh / province)',
      state: u.disabled
        ? 'disabled'
        : u.locked_until
          ? `locked until ${u.locked_until}`
          : u.must_change_password
            ? 'must change password'
            : 'active',
      totp: u.totp_enabled ? 'yes' : 'no',
    })),
    ['username', 'role', 'units', 'state', 'totp'],
  )
}

async function printedUser(db: Db, username: string) {
  return access.viewUser(await access.findUser(db, username))
}

export function registerAccessCommands(program: Command) {
  const users = program.command('users').description('users, roles and unit scopes / người dùng')

  jsonFlag(withDbFlags(users.command('add')))
    .description('add a user; prints a one-time password to change at first login / thêm người dùng')
    .requiredOption('--username <name>', 'login name')
    .addOption(new Option('--role <role>', 'role').choices(ROLES as unknown as string[]).makeOptionMandatory())
    .option('--unit <code>', 'a unit the user works for (repeat; code of today, or code:era)', collect, [])
    .option('--password-stdin', 'read the password from stdin and keep it (no forced change)')
    .action((flags: DbFlags & { username: string; role: string; unit: string[]; passwordStdin?: boolean }) =>
      withDb(flags, async (db) => {
        const password = flags.passwordStdin ? readPasswordStdin() : undefined
        const result = await access.addUser(db, access.cliActor(), {
          username: flags.username,
          role: flags.role,
          units: flags.unit,
          password,
        })
        if (flags.json) return printJson(result)
        if (result.password) {
          out(result.password)
          process.stderr.write(
            `coso: đã thêm ${flags.username} (${flags.role}); mật khẩu dùng một lần ở trên, phải đổi khi đăng nhập lần đầu.\n` +
              `      added ${flags.username} (${flags.role}); the one-time password above must be changed at first login.\n`,
          )
        } else out(`đã thêm / added ${flags.username} (${flags.role})`)
      }),
    )

  jsonFlag(withDbFlags(users.command('list')))
    .description('list users / danh sách người dùng')
    .action((flags: DbFlags) =>
      withDb(flags, async (db) => {
        const list = await access.listUsers(db)
        if (flags.json) return printJson(list)
        printUsers(list)
      }),
    )

  const change = (
    name: string,
    description: string,
    make: (flags: Record<string, unknown>) => access.UserChange,
    extra?: (c: Command) => Command,
  ) => {
    let command = jsonFlag(withDbFlags(users.command(name)))
      .description(description)
      .argument('<username>')
    if (extra) command = extra(command)
    command.action((username: string, flags: DbFlags & Record<string, unknown>) =>
      withDb(flags, async (db) => {
        const user = await access.changeUser(db, access.cliActor(), await access.findUser(db, username), make(flags))
        if (flags.json) return printJson(user)
        printUsers([user])
      }),
    )
  }
  change('disable', 'disable a user (an officer transferred away): sessions and tokens stop / khoá người dùng', () => ({ disabled: true }))
  change('enable', 'enable a disabled user / mở lại người dùng', () => ({ disabled: false }))
  change('unlock', 'clear failed logins and the lockout / mở khoá đăng nhập', () => ({ unlock: true }))
  change(
    'scope',
    'set the units a user works for / đặt đơn vị phụ trách',
    (flags) => ({ units: flags.unit as string[] }),
    (c) => c.requiredOption('--unit <code>', 'a unit (repeat; code of today, or code:era)', collect, []),
  )
  change(
    'role',
    'change a user’s role (with --unit for a commune role) / đổi vai trò',
    (flags) => ({ role: flags.role as string, units: (flags.unit as string[]).length > 0 ? (flags.unit as string[]) : undefined }),
    (c) =>
      c
        .addOption(new Option('--role <role>', 'the new role').choices(ROLES as unknown as string[]).makeOptionMandatory())
        .option('--unit <code>', 'a unit (repeat)', collect, []),
  )

  jsonFlag(withDbFlags(users.command('reset-password')))
    .description('a new one-time password (or, with --password-stdin, the one given); sessions end / đặt lại mật khẩu')
    .argument('<username>')
    .option('--password-stdin', 'read the password from stdin and keep it (no forced change)')
    .action((username: string, flags: DbFlags & { passwordStdin?: boolean }) =>
      withDb(flags, async (db) => {
        const password = flags.passwordStdin ? readPasswordStdin() : undefined
        const next = await access.resetPassword(db, access.cliActor(), await access.findUser(db, username), password)
        if (flags.json) return printJson({ username, password: next })
        out(next ?? `đã đặt mật khẩu / password set for ${username}`)
      }),
    )

  jsonFlag(withDbFlags(users.command('totp')))
    .description('set up TOTP for a user; prints the otpauth:// URI to scan / bật xác thực hai lớp')
    .argument('<username>')
    .action((username: string, flags: DbFlags) =>
      withDb(flags, async (db) => {
        const user = await printedUser(db, username)
        const actor = { ...access.cliActor(), userId: user.id, name: user.username }
        const enrolment = await access.startTotp(db, actor)
        await access.enableTotp(db, access.cliActor(), user.id)
        if (flags.json) return printJson(enrolment)
        out(enrolment.uri)
      }),
    )

  const tokens = program.command('tokens').description('API tokens for machine clients / mã truy cập API')

  withDbFlags(tokens.command('add'))
    .description('a new token acting as the user; prints the token alone / tạo mã truy cập')
    .requiredOption('--user <name>', 'the user the token acts as')
    .option('--expires-days <n>', 'lifetime in days (default 90)', days, 90)
    .option('--label <text>', 'what the token is for')
    .option('--unit <code>', 'narrow to this unit (repeat)', collect, [])
    .option('--read-only', 'no writes')
    .action((flags: DbFlags & { user: string; expiresDays: number; label?: string; unit: string[]; readOnly?: boolean }) =>
      withDb(flags, async (db) => {
        const user = await access.findUser(db, flags.user)
        const { token } = await access.addToken(db, access.cliActor(), user, {
          expiresDays: flags.expiresDays,
          label: flags.label,
          units: flags.unit,
          readOnly: flags.readOnly,
        })
        out(token)
      }),
    )

  jsonFlag(withDbFlags(tokens.command('list')))
    .description('list tokens (never their secret) / danh sách mã')
    .option('--user <name>', 'only this user’s')
    .action((flags: DbFlags & { user?: string }) =>
      withDb(flags, async (db) => {
        const list = await access.listTokens(db, flags.user ? (await access.findUser(db, flags.user)).id : undefined)
        if (flags.json) return printJson(list)
        printTable(
          list.map((t) => ({
            ...t,
            units: t.units?.join(' ') ?? '',
            state: t.revoked ? 'revoked' : Date.parse(t.expires_at) < Date.now() ? 'expired' : 'active',
          })),
          ['id', 'username', 'label', 'units', 'read_only', 'expires_at', 'state'],
        )
      }),
    )

  withDbFlags(tokens.command('revoke'))
    .description('revoke a token / thu hồi mã')
    .argument('<id>')
    .action((id: string, flags: DbFlags) =>
      withDb(flags, async (db) => {
        await access.revokeToken(db, access.cliActor(), id, true)
        out(`đã thu hồi / revoked ${id}`)
      }),
    )

  const auditCommand = jsonFlag(withDbFlags(program.command('audit')))
    .description('read the audit log / đọc nhật ký truy cập')
    .option('--person <id>', 'a register id or a personal ID number')
    .option('--user <name>', 'a username (or cli:<user>)')
    .option('--action <action>', 'e.g. person.read, login, export')
    .option('--since <date>', 'from this day (YYYY-MM-DD)', isoDate)
    .option('--until <date>', 'before this day (YYYY-MM-DD)', isoDate)
    .option('--limit <n>', 'at most this many entries', (v) => Number(v), 1000)
    .action((flags: DbFlags & { person?: string; user?: string; action?: string; since?: string; until?: string; limit: number }) =>
      withDb(flags, async (db) => {
        const personId = flags.person ? await access.personIdOf(db, flags.person) : undefined
        if (flags.person && !personId) throw notFound({ vi: `người ${flags.person}`, en: `Person ${flags.person}` })
        const rows = await audit.entries(db.pool, {
          person_id: personId,
          actor: flags.user,
          action: flags.action,
          since: flags.since,
          until: flags.until,
          limit: flags.limit,
        })
        await access.auditWrite(db, access.cliActor(), 'audit.read', 'audit', { person: flags.person ?? null, user: flags.user ?? null })
        if (flags.json) return printJson(rows)
        printTable(
          rows.map((e) => ({
            at: e.at.toISOString(),
            user: e.actor,
            action: e.action,
            outcome: e.outcome,
            person: e.person_id ?? '',
            target: e.target ?? '',
            address: e.address ?? '',
          })),
          ['at', 'user', 'action', 'outcome', 'person', 'target', 'address'],
        )
      }),
    )

  jsonFlag(withDbFlags(auditCommand.command('verify')))
    .description('seal pending entries and check the hash chain; exits non-zero naming the first broken entry / kiểm tra nhật ký')
    .action((flags: DbFlags) =>
      withDb(flags, async (db) => {
        await audit.seal(db)
        const result = await audit.verify(db)
        if (flags.json) printJson(result)
        else if (result.ok)
          out(`nhật ký nguyên vẹn / the log is intact: ${result.checked} entries, last #${result.last.chain_no} ${result.last.hash}`)
        if (!result.ok) {
          const b = result.break as NonNullable<typeof result.break>
          throw new AppError(
            'AUDIT_LOG_BROKEN',
            b.reason === 'altered'
              ? { vi: `Nhật ký đã bị sửa ở mục #${b.chain_no} (${b.id}).`, en: `The log was altered at entry #${b.chain_no} (${b.id}).` }
              : { vi: `Thiếu mục #${b.chain_no} trong nhật ký.`, en: `Entry #${b.chain_no} is missing from the log.` },
            409,
            b,
          )
        }
      }),
    )

  jsonFlag(withDbFlags(auditCommand.command('archive')))
    .description('move sealed entries older than a date to a file; what stays still verifies / lưu trữ nhật ký cũ')
    .requiredOption('--before <date>', 'archive entries before this day (YYYY-MM-DD)', isoDate)
    .requiredOption('--out <file>', 'the JSON-lines archive to write (must not exist)')
    .action((flags: DbFlags & { before: string; out: string }) =>
      withDb(flags, async (db) => {
        const result = await audit.archive(db, flags.before, flags.out)
        await access.auditWrite(db, access.cliActor(), 'audit.archive', 'audit', { before: flags.before, entries: result.entries })
        if (flags.json) return printJson(result)
        out(
          result.anchor
            ? `${flags.out}: ${result.entries} entries, anchor #${result.anchor.chain_no} ${result.anchor.hash}`
            : 'không có mục nào để lưu trữ / nothing to archive',
        )
      }),
    )
}
