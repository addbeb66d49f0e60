// Logical backups that restore on either engine: every table of coso's schema as JSON rows
// (PostgreSQL's own row_to_json / json_populate_recordset do the typing), gzipped, and
// encrypted with AES-256-GCM when COSO_BACKUP_PASSPHRASE is set — the file holds personal data.
import { type CipherGCM, createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto'
import { closeSync, createReadStream, createWriteStream, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import pg from 'pg'
import { type Db, writableColumns } from './db.ts'
import { AppError } from './errors.ts'
import { appliedMigrations, migrate, migrateWith, migrationFiles } from './migrate.ts'
import { VERSION } from './version.ts'

const MAGIC = Buffer.from('COSOBAK1')
const BATCH = 2000
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

interface FileHeader {
  encrypted: boolean
  salt?: string
  iv?: string
  key_check?: string
}

interface Table {
  name: string
  pk: { name: string; type: string }[]
}

export interface BackupSummary {
  file: string
  encrypted: boolean
  tables: Record<string, number>
  migrations: string[]
}

function deriveKey(passphrase: string, salt: Buffer): { key: Buffer; check: string } {
  const key = scryptSync(passphrase, salt, 32, SCRYPT)
  return { key, check: createHash('sha256').update(key).update('coso-backup-key-check').digest('hex').slice(0, 32) }
}

/** Tables of coso's schema, parents before children (foreign keys), with their primary keys. */
async function tables(client: pg.PoolClient): Promise<Table[]> {
  const { rows } = await client.query<{ name: string; pk: { name: string; type: string }[] | null }>(`
    SELECT c.relname AS name,
           (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY k.ord)
              FROM pg_index i
              CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'schema_migration'
     ORDER BY c.relname`)
  const { rows: deps } = await client.query<{ child: string; parent: string }>(`
    SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent
      FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`)
  const ordered: Table[] = []
  const pending = new Map(rows.map((r) => [r.name, { name: r.name, pk: r.pk ?? [] }]))
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) => !deps.some((d) => d.child === t.name && d.parent !== t.name && pending.has(d.parent)))
    if (ready.length === 0) throw new Error(`circular foreign keys among ${[...pending.keys()].join(', ')}`)
    for (const t of ready) {
      ordered.push(t)
      pending.delete(t.name)
    }
  }
  return ordered
}

async function* dumpLines(client: pg.PoolClient, db: Db, counts: Record<string, number>): AsyncGenerator<string> {
  const migrations = await appliedMigrations(client)
  const list = await tables(client)
  yield `${JSON.stringify({
    coso_backup: 1,
    version: VERSION,
    engine: db.engine,
    created_at: new Date().toISOString(),
    migrations: migrations.map((m) => ({ name: m.name, checksum: m.checksum })),
    tables: list.map((t) => t.name),
  })}\n`
  for (const t of list) {
    const table = pg.escapeIdentifier(t.name)
    const keys = t.pk.map((k) => pg.escapeIdentifier(k.name))
    let count = 0
    let last: string[] | undefined
    counts[t.name] = 0
    for (;;) {
      // Keyset pages in primary-key order: flat memory whatever the table size.
      const after = last ? `WHERE (${keys.join(', ')}) > (${t.pk.map((k, i) => `$${i + 1}::${k.type}`).join(', ')})` : ''
      const order = keys.length ? `ORDER BY ${keys.join(', ')}` : ''
      const { rows } = await client.query<Record<string, string>>(
        `SELECT row_to_json(t)::text AS j${keys.map((k, i) => `, ${k}::text AS k${i}`).join('')} FROM ${table} t ${after} ${order} LIMIT ${keys.length ? BATCH : 'ALL'}`,
        last ?? [],
      )
      for (const row of rows) yield `{"t":${JSON.stringify(t.name)},"r":${row.j}}\n`
      count += rows.length
      counts[t.name] = count
      const end = rows[rows.length - 1]
      if (!end || rows.length < BATCH || keys.length === 0) break
      last = keys.map((_, i) => end[`k${i}`] as string)
    }
  }
  yield `${JSON.stringify({ end: true, rows: counts })}\n`
}

export async function backup(db: Db, file: string, passphrase = process.env.COSO_BACKUP_PASSPHRASE): Promise<BackupSummary> {
  const header: FileHeader = { encrypted: Boolean(passphrase) }
  let cipher: CipherGCM | undefined
  if (passphrase) {
    const salt = randomBytes(16)
    const iv = randomBytes(12)
    const { key, check } = deriveKey(passphrase, salt)
    cipher = createCipheriv('aes-256-gcm', key, iv)
    Object.assign(header, { salt: salt.toString('base64'), iv: iv.toString('base64'), key_check: check })
  }
  const tmp = `${file}.partial`
  const headerBytes = Buffer.from(JSON.stringify(header))
  const prefix = Buffer.alloc(MAGIC.length + 4)
  MAGIC.copy(prefix)
  prefix.writeUInt32BE(headerBytes.length, MAGIC.length)
  const fd = openSync(tmp, 'w', 0o600)
  writeSync(fd, Buffer.concat([prefix, headerBytes]))
  const counts: Record<string, number> = {}
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const stages: NodeJS.ReadWriteStream[] = [createGzip()]
    if (cipher) stages.push(cipher)
    await pipeline(
      Readable.from(dumpLines(client, db, counts)),
      ...(stages as [Transform]),
      createWriteStream('', { fd, autoClose: false }),
    )
    if (cipher) writeSync(fd, cipher.getAuthTag())
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
    closeSync(fd)
  }
  renameSync(tmp, file)
  return { file, encrypted: header.encrypted, tables: counts, migrations: (await appliedMigrations(db.pool)).map((m) => m.name) }
}

function damaged(file: string, why: string): AppError {
  return new AppError(
    'BACKUP_DAMAGED',
    { vi: `Tệp sao lưu ${file} không đọc được: ${why}`, en: `The backup file ${file} cannot be read: ${why}` },
    400,
  )
}

function readHeader(file: string): { header: FileHeader; bodyStart: number; size: number } {
  const size = statSync(file).size
  const fd = openSync(file, 'r')
  try {
    const prefix = Buffer.alloc(MAGIC.length + 4)
    if (readSync(fd, prefix, 0, prefix.length, 0) < prefix.length || !prefix.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw damaged(file, 'not a coso backup / không phải tệp sao lưu của coso')
    }
    const length = prefix.readUInt32BE(MAGIC.length)
    if (length > 64 * 1024) throw damaged(file, 'header too large')
    const bytes = Buffer.alloc(length)
    readSync(fd, bytes, 0, length, prefix.length)
    return { header: JSON.parse(bytes.toString('utf8')) as FileHeader, bodyStart: prefix.length + length, size }
  } finally {
    closeSync(fd)
  }
}

export interface RestoreOptions {
  passphrase?: string | undefined
  /** Replace a database that already holds data. */
  force?: boolean | undefined
}

/**
 * Restores into a database opened without migrating: the schema the backup was taken with is
 * rebuilt, its rows loaded and checked in one transaction, then newer migrations run.
 */
export async function restore(db: Db, file: string, options: RestoreOptions = {}): Promise<BackupSummary> {
  const passphrase = options.passphrase ?? process.env.COSO_BACKUP_PASSPHRASE
  const { header, bodyStart, size } = readHeader(file)
  let body: NodeJS.ReadableStream
  if (header.encrypted) {
    if (!passphrase) {
      throw new AppError(
        'BACKUP_ENCRYPTED',
        {
          vi: `Tệp ${file} được mã hoá: đặt mật khẩu trong biến môi trường COSO_BACKUP_PASSPHRASE.`,
          en: `${file} is encrypted: set its passphrase in COSO_BACKUP_PASSPHRASE.`,
        },
        400,
      )
    }
    const { key, check } = deriveKey(passphrase, Buffer.from(header.salt ?? '', 'base64'))
    if (check !== header.key_check) {
      throw new AppError('BACKUP_PASSPHRASE', { vi: 'Sai mật khẩu sao lưu.', en: 'Wrong backup passphrase.' }, 400)
    }
    if (size < bodyStart + 16) throw damaged(file, 'truncated')
    const tag = Buffer.alloc(16)
    const fd = openSync(file, 'r')
    readSync(fd, tag, 0, 16, size - 16)
    closeSync(fd)
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.iv ?? '', 'base64'))
    decipher.setAuthTag(tag)
    body = createReadStream(file, { start: bodyStart, end: size - 17 }).pipe(decipher)
  } else {
    body = createReadStream(file, { start: bodyStart })
  }
  const gunzip = createGunzip()
  const failure = new Promise<never>((_, reject) => {
    body.on('error', (e: Error) => reject(damaged(file, e.message)))
    gunzip.on('error', (e: Error) => reject(damaged(file, e.message)))
  })
  failure.catch(() => {})
  const lines = createInterface({ input: body.pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY })

  const client = await db.pool.connect()
  const counts: Record<string, number> = {}
  let started = false
  try {
    let meta: { migrations: { name: string; checksum: string }[]; tables: string[] } | undefined
    let end: { rows: Record<string, number> } | undefined
    let batch: unknown[] = []
    let batchTable = ''
    const flush = async () => {
      if (batch.length === 0) return
      const t = pg.escapeIdentifier(batchTable)
      // Generated columns (a person's name_sort) are computed again, never written.
      const columns = (await writableColumns(client, batchTable)).join(', ')
      await client.query(`INSERT INTO ${t} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${t}, $1::json)`, [
        JSON.stringify(batch),
      ])
      counts[batchTable] = (counts[batchTable] ?? 0) + batch.length
      batch = []
    }
    const read = (async () => {
      for await (const line of lines) {
        if (!line) continue
        const record = JSON.parse(line) as { t?: string; r?: unknown; end?: boolean; rows?: Record<string, number>; coso_backup?: number }
        if (record.coso_backup) {
          meta = record as unknown as typeof meta
          await prepareSchema(client, file, meta as NonNullable<typeof meta>, options.force)
          await client.query('BEGIN')
          started = true
        } else if (record.t !== undefined) {
          if (!started) throw damaged(file, 'rows before the header')
          if (record.t !== batchTable || batch.length >= BATCH) await flush()
          batchTable = record.t
          batch.push(record.r)
        } else if (record.end) {
          await flush()
          end = record as { rows: Record<string, number> }
        }
      }
    })()
    read.catch(() => {})
    await Promise.race([read, failure])
    await flush()
    if (!meta || !end) throw damaged(file, 'incomplete (no end record) / thiếu phần kết thúc')
    for (const [table, n] of Object.entries(end.rows)) {
      if ((counts[table] ?? 0) !== n) throw damaged(file, `${table}: ${counts[table] ?? 0} rows read, ${n} expected`)
    }
    await continueSequences(client)
    await client.query('COMMIT')
    started = false
    client.release()
    await migrate(db.pool)
    return { file, encrypted: header.encrypted, tables: counts, migrations: (await appliedMigrations(db.pool)).map((m) => m.name) }
  } catch (error) {
    if (started) await client.query('ROLLBACK').catch(() => {})
    client.release()
    lines.close()
    throw error
  }
}

/** Empties the target (only with --force when it holds data) and rebuilds the backup's schema. */
async function prepareSchema(
  client: pg.PoolClient,
  file: string,
  meta: { migrations: { name: string; checksum: string }[] },
  force?: boolean,
) {
  const known = new Map(migrationFiles().map((m) => [m.name, m.checksum]))
  for (const m of meta.migrations) {
    if (known.get(m.name) !== m.checksum) {
      throw new AppError(
        'BACKUP_NEWER',
        {
          vi: `Bản sao lưu ${file} được tạo bởi phiên bản coso khác (migration ${m.name} không khớp). Hãy dùng phiên bản coso đã tạo ra nó hoặc mới hơn.`,
          en: `The backup ${file} was made by another version of coso (migration ${m.name} differs). Use the version that made it, or a newer one.`,
        },
        400,
      )
    }
  }
  const existing = await tables(client)
  if (existing.length > 0) {
    if (!force) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT (${existing.map((t) => `(SELECT count(*) FROM ${pg.escapeIdentifier(t.name)})`).join(' + ')})::int AS n`,
      )
      if ((rows[0]?.n ?? 0) > 0) {
        throw new AppError(
          'RESTORE_TARGET_NOT_EMPTY',
          {
            vi: 'Cơ sở dữ liệu đích đã có dữ liệu. Khôi phục sẽ thay thế toàn bộ: chạy lại với --force nếu chắc chắn.',
            en: 'The target database already holds data. A restore replaces all of it: run again with --force if you are sure.',
          },
          409,
        )
      }
    }
    for (const t of existing.reverse()) await client.query(`DROP TABLE ${pg.escapeIdentifier(t.name)} CASCADE`)
    // Functions the migrations made go too (extensions' own stay), so that they can run again.
    const { rows } = await client.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
        WHERE p.pronamespace = current_schema()::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`,
    )
    for (const f of rows) await client.query(`DROP FUNCTION ${f.signature}`)
  }
  await client.query('DROP TABLE IF EXISTS schema_migration')
  const last = meta.migrations[meta.migrations.length - 1]?.name
  if (last) await migrateWith(client, { until: last })
}

/**
 * A sequence owned by a column (an application's slip number) carries on after the largest value
 * restored: rows come back with their numbers, the sequence itself is not in the backup.
 */
async function continueSequences(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ sequence: string; table_name: string; column_name: string }>(
    `SELECT s.relname AS sequence, t.relname AS table_name, a.attname AS column_name
       FROM pg_class s
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace`,
  )
  for (const r of rows) {
    // Names from the catalog, quoted: identifiers cannot be parameters.
    const [table, column] = [pg.escapeIdentifier(r.table_name), pg.escapeIdentifier(r.column_name)]
    await client.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${column}) FROM ${table}), 0) + 1, false)`, [
      pg.escapeIdentifier(r.sequence),
    ])
  }
}
