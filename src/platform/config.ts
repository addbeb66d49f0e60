// Where the database is: an embedded PGlite data directory (default) or a PostgreSQL server.
import { resolve } from 'node:path'
import { badInput } from './errors.ts'

export type DbTarget = { engine: 'pglite'; dataDir: string } | { engine: 'postgresql'; url: string }

export interface DbOptions {
  data?: string | undefined
  databaseUrl?: string | undefined
}

/** Flags win over the environment; `--data` and `--database-url` together are a contradiction. */
export function dbTarget(options: DbOptions, env: NodeJS.ProcessEnv = process.env): DbTarget {
  if (options.data && options.databaseUrl) {
    throw badInput({
      vi: 'Chỉ chọn một: --data (cơ sở dữ liệu nhúng) hoặc --database-url (máy chủ PostgreSQL).',
      en: 'Choose one: --data (embedded database) or --database-url (PostgreSQL server).',
    })
  }
  if (options.databaseUrl) return { engine: 'postgresql', url: checkUrl(options.databaseUrl) }
  if (options.data) return { engine: 'pglite', dataDir: resolve(options.data) }
  if (env.DATABASE_URL) return { engine: 'postgresql', url: checkUrl(env.DATABASE_URL) }
  return { engine: 'pglite', dataDir: resolve(env.COSO_DATA || './data') }
}

function checkUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw badInput({
      vi: 'DATABASE_URL phải có dạng postgres://người_dùng@máy:cổng/tên_csdl.',
      en: 'DATABASE_URL must look like postgres://user@host:port/dbname.',
    })
  }
  return url
}

/** The URL without its password, for messages and logs. */
export function describeTarget(target: DbTarget): string {
  if (target.engine === 'pglite') return `pglite:${target.dataDir}`
  const u = new URL(target.url)
  u.password = ''
  return `postgresql://${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`
}

/** The province this deployment serves (the tenant): GSO code, Quảng Ninh by default. */
export function provinceCode(env: NodeJS.ProcessEnv = process.env): string {
  return env.COSO_PROVINCE ?? '22'
}
