// Imports run as pg-boss jobs: the CLI runs its own job in its own process; the server runs
// uploaded files' jobs. A batch is run by one process at a time (an advisory lock on a server;
// the data-directory lock on the embedded engine).
import { provinceCode } from '../platform/config.ts'
import type { Db } from '../platform/db.ts'
import type { Jobs } from '../platform/jobs.ts'
import type { Logger } from '../platform/log.ts'
import { type ImportReport, type RunOptions, runBatch, type StartOptions } from './import.ts'
import { interruptedUploads } from './queries.ts'

export const IMPORT_QUEUE = 'intake-import'

export interface ImportJob {
  batch_id: string
  path: string
  encoding?: StartOptions['encoding']
}

export async function createImportQueue(jobs: Jobs) {
  await jobs.createQueue(IMPORT_QUEUE, { retryLimit: 2, retryDelay: 5, expireInSeconds: 6 * 3600 })
}

/** Runs a batch unless another process is running it (then resolves to undefined). */
export async function runJob(db: Db, job: ImportJob, options: RunOptions = {}): Promise<ImportReport | undefined> {
  if (db.engine === 'pglite') return runBatch(db, job.batch_id, job.path, { ...options, encoding: job.encoding })
  const holder = await db.pool.connect()
  try {
    const { rows } = await holder.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('coso.batch.' || $1)) AS ok`, [job.batch_id])
    if (!rows[0]?.ok) return undefined
    try {
      return await runBatch(db, job.batch_id, job.path, { ...options, encoding: job.encoding })
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('coso.batch.' || $1))`, [job.batch_id])
    }
  } finally {
    holder.release()
  }
}

/** The server's worker; uploads a stopped server left half-imported are queued again. */
export async function startImportWorker(db: Db, jobs: Jobs, logger: Logger) {
  await createImportQueue(jobs)
  for (const batch of await interruptedUploads(db.pool, provinceCode())) {
    const job: ImportJob = {
      batch_id: batch.id,
      path: batch.upload_path as string,
      encoding: (batch.encoding as ImportJob['encoding']) ?? undefined,
    }
    await jobs.send(IMPORT_QUEUE, job)
    logger.info({ batch: batch.id, rows_done: batch.rows_done }, 'interrupted import queued again')
  }
  await jobs.work<ImportJob>(IMPORT_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return
    logger.info({ batch: job.data.batch_id }, 'import started')
    const report = await runJob(db, job.data)
    logger.info({ batch: job.data.batch_id, rows: report?.rows, outcomes: report?.outcomes }, 'import finished')
  })
}
