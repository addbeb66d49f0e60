// SQL migrations from `migrations/`, applied in name order, each in its own transaction and
// recorded with a checksum. A migration is never edited once applied: an edited one is refused.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { AppError } from './errors.ts'
import type { Logger } from './log.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export interface Migration {
  name: string
  sql: string
  checksum: string
}

export function migrationFiles(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((file) => {
      // Line endings normalised, so a Windows checkout does not look like an edit.
      const sql = readFileSync(`${dir}/${file}`, 'utf8').replace(/\r\n/g, '\n')
      return { name: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

export interface AppliedMigration {
  name: string
  checksum: string
  applied_at: string
}

const LOCK_KEY = 7_320_011 // any constant: serialises concurrent migrators on one server

export async function appliedMigrations(db: pg.Pool | pg.PoolClient): Promise<AppliedMigration[]> {
  const { rows } = await db.query<AppliedMigration>(
    `SELECT name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS applied_at
       FROM schema_migration ORDER BY name`,
  )
  return rows
}

export interface MigrateOptions {
  logger?: Logger | undefined
  dir?: string | undefined
  /** Stop after this migration (restores rebuild the schema a backup was taken with). */
  until?: string | undefined
}

/** Applies what is pending and returns the names applied. */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<string[]> {
  const client = await pool.connect()
  try {
    return await migrateWith(client, options)
  } finally {
    client.release()
  }
}

/** The same on a connection the caller holds (a restore, which must not take a second one). */
export async function migrateWith(client: pg.PoolClient, options: MigrateOptions = {}): Promise<string[]> {
  const { logger, until } = options
  const files = migrationFiles(options.dir)
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`)
    const { rows } = await client.query<AppliedMigration>('SELECT name, checksum FROM schema_migration')
    const applied = new Map(rows.map((r) => [r.name, r.checksum]))
    checkHistory(files, applied)
    const done: string[] = []
    for (const file of files) {
      if (applied.has(file.name)) continue
      if (until !== undefined && file.name > until) break
      logger?.info({ migration: file.name }, 'applying migration')
      await client.query('BEGIN')
      try {
        await client.query(file.sql)
        await client.query('INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)', [file.name, file.checksum])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw new AppError(
          'MIGRATION_FAILED',
          {
            vi: `Migration ${file.name} thất bại: ${(error as Error).message}`,
            en: `Migration ${file.name} failed: ${(error as Error).message}`,
          },
          500,
        )
      }
      done.push(file.name)
    }
    return done
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {})
  }
}

export function checkHistory(files: Migration[], applied: Map<string, string>) {
  const byName = new Map(files.map((f) => [f.name, f]))
  for (const [name, checksum] of applied) {
    const file = byName.get(name)
    if (!file) {
      throw new AppError(
        'MIGRATION_UNKNOWN',
        {
          vi: `Cơ sở dữ liệu đã chạy migration ${name} mà phiên bản coso này không có: nó thuộc một phiên bản mới hơn. Hãy cập nhật coso.`,
          en: `The database has migration ${name}, which this version of coso does not know: it belongs to a newer version. Update coso.`,
        },
        500,
      )
    }
    if (file.checksum !== checksum) {
      throw new AppError(
        'MIGRATION_EDITED',
        {
          vi: `Migration ${name} đã bị sửa sau khi được áp dụng (checksum ${checksum.slice(0, 12)}… khác ${file.checksum.slice(0, 12)}…). Không sửa migration đã áp dụng: hãy hoàn lại tệp và viết một migration mới.`,
          en: `Migration ${name} was edited after it was applied (checksum ${checksum.slice(0, 12)}… is now ${file.checksum.slice(0, 12)}…). Never edit an applied migration: restore the file and write a new one.`,
        },
        500,
        { migration: name },
      )
    }
  }
}
