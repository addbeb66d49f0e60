// A demo population for a newcomer's first start (`npm start` on an empty database): generated
// forms imported through the same job as any upload, while the server already answers.
import { createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { provinceCode } from '../platform/config.ts'
import { csvLine } from '../platform/csv.ts'
import type { Db } from '../platform/db.ts'
import type { Jobs } from '../platform/jobs.ts'
import { DC01_KEYS } from './dc01.ts'
import { generateForms, loadReferenceData } from './generate.ts'
import { prepareBatch } from './import.ts'
import { IMPORT_QUEUE, type ImportJob } from './jobs.ts'
import * as q from './queries.ts'

export const DEMO_PERSONS = 20_000

/** Queues the demo import when the register has never received anything; returns its batch id. */
export async function seedDemo(db: Db, jobs: Jobs, dir: string): Promise<string | undefined> {
  if ((await q.batches(db.pool, provinceCode(), 1, undefined, null)).length > 0) return undefined
  const { rows } = await db.pool.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM form) AS any')
  if (rows[0]?.any) return undefined
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, 'demo-dc01.csv')
  const out = createWriteStream(path, { mode: 0o600 })
  out.write(`${csvLine([...DC01_KEYS])}\n`)
  for (const g of generateForms({ persons: DEMO_PERSONS, seed: 2026, dupRate: 0.05, errorRate: 0.05 }, loadReferenceData())) {
    if (
      !out.write(
        `${csvLine(
          DC01_KEYS.map((k) => g.form[k]),
          false,
        )}\n`,
      )
    )
      await new Promise<void>((r) => out.once('drain', () => r()))
  }
  out.end()
  await finished(out)
  const batch = await prepareBatch(db, path, { source: 'demo (coso generate --persons 20000 --seed 2026)', upload: true })
  const job: ImportJob = { batch_id: batch.id, path }
  await jobs.send(IMPORT_QUEUE, job)
  return batch.id
}
