// One code path to the database: `pg` + Kysely, over an embedded PGlite (wrapped by its
// node-postgres shim) or a PostgreSQL server. Opening creates and migrates a new database.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { type DbTarget, describeTarget } from './config.ts'
import { AppError } from './errors.ts'
import { acquireLock, type Lock } from './lock.ts'
import type { Logger } from './log.ts'
import { migrate } from './migrate.ts'

// pg would turn a DATE into a JS Date at UTC midnight, shifting it in any other zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)
// bigint counts come back as strings from pg; they never exceed 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/** Every table of every module; each module's `queries.ts` adds its own by declaration merging. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation
export interface Tables {}

export interface Db {
  engine: DbTarget['engine']
  target: DbTarget
  kysely: Kysely<Tables>
  pool: pg.Pool
  /** The embedded engine, when there is one (bulk COPY and backups use it directly). */
  pglite: PGlite | undefined
  close(): Promise<void>
}

export interface OpenOptions {
  logger?: Logger | undefined
  /** Apply pending migrations (default). Restores start from an empty schema instead. */
  migrate?: boolean | undefined
}

const MARKER = 'coso.json'

export async function openDatabase(target: DbTarget, options: OpenOptions = {}): Promise<Db> {
  const db = target.engine === 'pglite' ? await openEmbedded(target.dataDir) : await openServer(target.url, options.logger)
  try {
    if (options.migrate !== false) {
      const applied = await migrate(db.pool, { logger: options.logger })
      if (applied.length) options.logger?.info({ applied }, 'migrations applied')
    }
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}

async function openEmbedded(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true })
  checkDataDir(dataDir)
  const lock = acquireLock(dataDir)
  let pglite: PGlite
  try {
    pglite = await PGlite.create(join(dataDir, 'pgdata'), { extensions: { pg_trgm, unaccent, fuzzystrmatch } })
  } catch (error) {
    lock.release()
    throw new AppError(
      'DATA_DIR_DAMAGED',
      {
        vi: `Không mở được cơ sở dữ liệu nhúng trong ${dataDir}: ${String(error)}. Hãy khôi phục từ bản sao lưu.`,
        en: `Cannot open the embedded database in ${dataDir}: ${String(error)}. Restore it from a backup.`,
      },
      500,
    )
  }
  if (!existsSync(join(dataDir, MARKER))) {
    writeFileSync(join(dataDir, MARKER), `${JSON.stringify({ created: new Date().toISOString(), engine: 'pglite' })}\n`)
  }
  const pool = new pg.Pool(createPgConfig(pglite))
  return {
    engine: 'pglite',
    target: { engine: 'pglite', dataDir },
    kysely: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
    pool,
    pglite,
    close: once(async () => closeEmbedded(pool, pglite, lock)),
  }
}

async function closeEmbedded(pool: pg.Pool, pglite: PGlite, lock: Lock) {
  try {
    await pool.end()
    // PGlite never fsyncs; a checkpoint at least puts every page in the data files.
    await pglite.query('CHECKPOINT')
    await pglite.close()
  } finally {
    lock.release()
  }
}

/** A first start that was interrupted leaves a directory PGlite cannot use: say so plainly. */
function checkDataDir(dataDir: string) {
  const entries = readdirSync(dataDir).filter((name) => name !== 'coso.lock')
  if (entries.length === 0) return
  const hasPg = entries.includes('pgdata')
  const hasMarker = entries.includes(MARKER)
  if (hasPg && hasMarker) return
  if (hasPg) {
    throw new AppError(
      'DATA_DIR_HALF_INITIALISED',
      {
        vi: `Thư mục dữ liệu ${dataDir} chỉ được khởi tạo một nửa (lần chạy đầu tiên bị ngắt). Nó chưa có dữ liệu: hãy xoá thư mục và chạy lại.`,
        en: `The data directory ${dataDir} is half-initialised (its first start was interrupted). It holds no data yet: delete it and start again.`,
      },
      500,
    )
  }
  throw new AppError(
    'NOT_A_DATA_DIR',
    {
      vi: `${dataDir} không phải thư mục dữ liệu của coso (có tệp khác bên trong). Hãy chọn một thư mục trống bằng --data.`,
      en: `${dataDir} is not a coso data directory (it holds other files). Choose an empty directory with --data.`,
    },
    500,
  )
}

async function openServer(url: string, logger?: Logger): Promise<Db> {
  await createDatabaseIfMissing(url, logger)
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.COSO_DB_POOL ?? 10) })
  pool.on('error', (error) => logger?.error({ err: error.message }, 'idle database connection failed'))
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end()
    throw unreachable(url, error)
  }
  return {
    engine: 'postgresql',
    target: { engine: 'postgresql', url },
    kysely: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
    pool,
    pglite: undefined,
    close: once(() => pool.end()),
  }
}

function unreachable(url: string, error: unknown): AppError {
  const where = describeTarget({ engine: 'postgresql', url })
  return new AppError(
    'DATABASE_UNREACHABLE',
    {
      vi: `Không kết nối được PostgreSQL tại ${where}: ${(error as Error).message}`,
      en: `Cannot connect to PostgreSQL at ${where}: ${(error as Error).message}`,
    },
    503,
  )
}

/** A new deployment names a database that does not exist yet: create it when we may. */
async function createDatabaseIfMissing(url: string, logger?: Logger) {
  const probe = new pg.Client({ connectionString: url })
  try {
    await probe.connect()
    await probe.end()
    return
  } catch (error) {
    await probe.end().catch(() => {})
    if ((error as { code?: string }).code !== '3D000') throw unreachable(url, error)
  }
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString() })
  try {
    await client.connect()
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
    logger?.info({ database: name }, 'database created')
  } catch (error) {
    throw unreachable(url, error)
  } finally {
    await client.end().catch(() => {})
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined
  return () => {
    done ??= fn()
    return done
  }
}

/** Runs `fn` in one transaction on one connection; rolls back if it throws. */
/** What a query needs: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>

/** A table's columns that can be written, in order: generated ones are computed again on insert. */
export async function writableColumns(db: Queryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  )
  return rows.map((r) => pg.escapeIdentifier(r.column_name))
}

export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await db.pool.connect()
  try {
    await client.query(begin)
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

/** A consistent read-only view for long reads (exports, backups): one snapshot throughout. */
export function inSnapshot<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(db, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
}
