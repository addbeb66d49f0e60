// Bulk writes with COPY, the engine's fastest path, on both engines: through pg-copy-streams
// on a server; on PGlite its own `COPY … FROM '/dev/blob'` (COPY FROM STDIN through the
// node-postgres shim crashes PGlite). Both run in the caller's transaction: PGlite has a single
// session, so the native call joins the transaction the shim's connection opened.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Db } from './db.ts'

export type CopyValue = string | number | boolean | null | undefined | string[] | object

const SPECIAL = /[\\\t\n\r]/

/** COPY text format: tab-separated, \N for NULL, backslash escapes. */
function field(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'number') return String(value)
  let s: string
  if (typeof value === 'string') s = value
  else if (Array.isArray(value)) s = `{${value.map((v: string) => `"${v.replace(/["\\]/g, (c: string) => `\\${c}`)}"`).join(',')}}`
  else if (typeof value === 'object') s = JSON.stringify(value)
  else s = String(value)
  return SPECIAL.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s
}

export function copyText(rows: CopyValue[][]): string {
  let out = ''
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += i === 0 ? field(row[i]) : `\t${field(row[i])}`
    out += '\n'
  }
  return out
}

export async function copyInto(db: Db, client: pg.PoolClient, table: string, columns: string[], rows: CopyValue[][]): Promise<void> {
  if (rows.length === 0) return
  const sql = `COPY ${pg.escapeIdentifier(table)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')}) FROM`
  const data = copyText(rows)
  if (db.pglite) {
    await db.pglite.query(`${sql} '/dev/blob'`, [], { blob: new Blob([data]) })
    return
  }
  await pipeline(Readable.from([data]), client.query(copyFrom(`${sql} STDIN`)))
}
