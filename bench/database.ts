// A throw-away database on the PostgreSQL server for one bench run.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const SERVER = process.env.COSO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export async function benchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `coso_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: SERVER })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
