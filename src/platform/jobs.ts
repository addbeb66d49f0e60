// Background jobs (pg-boss) on both engines, through the same pool as everything else.
import { PgBoss } from 'pg-boss'
import type { Db } from './db.ts'
import type { Logger } from './log.ts'

export type Jobs = PgBoss

export async function startJobs(db: Db, logger?: Logger, options: { maintenance?: boolean } = {}): Promise<Jobs> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values?: unknown[]) => db.pool.query(text, values as unknown[]) },
    schema: 'pgboss',
    // A one-shot CLI command neither supervises nor schedules: the server does.
    supervise: options.maintenance ?? false,
    schedule: options.maintenance ?? false,
  })
  boss.on('error', (error: Error) => logger?.error({ err: error.message }, 'job system error'))
  await boss.start()
  return boss
}
