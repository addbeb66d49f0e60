// intake's functions for the routes, the CLI and other modules.
import type pg from 'pg'
import { provinceCode } from '../platform/config.ts'
import type { Db } from '../platform/db.ts'
import { AppError, notFound } from '../platform/errors.ts'
import * as register from '../register/service.ts'
import { completeness } from './completeness.ts'
import { type Dc01Form, emptyForm } from './dc01.ts'
import { importChunk, type Pending, prepareRow } from './import.ts'
import * as q from './queries.ts'
import { loadReference } from './reference.ts'
import { findingMessage, type RuleCode } from './rules.ts'

const batchNotFound = (id: string) => notFound({ vi: `lô nhập ${id}`, en: `Import batch ${id}` }, { batch: id })

/** A batch; a user of commune units (`startedBy` given) sees only the batches they started. */
export async function getBatch(db: Db, id: string, startedBy: string | null = null): Promise<q.BatchRow> {
  const batch = /^[0-9a-f-]{36}$/i.test(id) ? await q.batch(db.pool, provinceCode(), id) : undefined
  if (!batch || (startedBy !== null && batch.created_by !== startedBy)) throw batchNotFound(id)
  return batch
}

/** Withdraws a batch as a whole, while none of its persons was edited or used since. */
export async function undoBatch(client: pg.PoolClient, id: string, startedBy: string | null): Promise<{ forms: number; persons: number }> {
  const province = provinceCode()
  const batch = /^[0-9a-f-]{36}$/i.test(id) ? await q.batch(client, province, id) : undefined
  if (!batch || (startedBy !== null && batch.created_by !== startedBy)) throw batchNotFound(id)
  if (batch.status === 'withdrawn') {
    throw new AppError('BATCH_WITHDRAWN', { vi: `Lô ${id} đã được huỷ trước đó.`, en: `Batch ${id} was already withdrawn.` }, 409)
  }
  if (batch.status === 'running' || batch.status === 'queued') {
    throw new AppError(
      'BATCH_RUNNING',
      { vi: `Lô ${id} đang chạy: chờ nó xong rồi huỷ.`, en: `Batch ${id} is running: wait for it to end.` },
      409,
    )
  }
  await q.lockProvince(client, province)
  const use = await register.batchInUse(client, province, id)
  if (use.edited > 0 || use.used > 0) {
    throw new AppError(
      'BATCH_IN_USE',
      {
        vi: `Không huỷ được lô ${id}: ${use.edited} người đã được sửa và ${use.used} phiếu khác đã gắn vào người của lô này.`,
        en: `Batch ${id} cannot be withdrawn: ${use.edited} of its persons were edited and ${use.used} other forms refer to them.`,
      },
      409,
      use,
    )
  }
  const persons = await register.withdrawBatch(client, province, id)
  const forms = await q.withdrawForms(client, province, id)
  return { forms, persons }
}

export interface PresentedFinding {
  rule: string
  severity: 'error' | 'warning'
  field: string | null
  message: { vi: string; en: string }
  details: Record<string, string | number>
}

export function presentFindings(
  findings: { rule: string; severity: string; field: string | null; details: Record<string, string | number> }[],
): PresentedFinding[] {
  return findings.map((f) => ({
    ...f,
    severity: f.severity === 'error' ? 'error' : 'warning',
    message: findingMessage({ rule: f.rule as RuleCode, details: f.details }),
  }))
}

/** One form typed into the API, checked (outside any transaction: the checks read reference data). */
export async function prepareForm(db: Db, input: Partial<Record<string, string>>, scope: string[] | null): Promise<Pending> {
  const form: Dc01Form = emptyForm()
  const known = form as unknown as Record<string, string>
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== 'string') continue
    if (key in known && key !== 'extra') known[key] = value
    else {
      form.extra ??= {}
      form.extra[key] = value
    }
  }
  return prepareRow({ row: 1, form, problems: [] }, await loadReference(db.kysely), scope)
}

/** What saving the form would find, without saving it: findings and completeness. */
export function checkOnly(pending: Pending) {
  const score = completeness(pending.checked)
  return { findings: presentFindings(pending.checked.findings), completeness: score.score, missing: score.missing }
}

/**
 * Decides and writes a prepared form: the same decisions as a file's rows, in the caller's
 * transaction (which also holds its audit entry).
 */
export async function submitForm(db: Db, client: pg.PoolClient, pending: Pending) {
  const { results } = await importChunk(db, client, null, [pending])
  const r = results[0] as (typeof results)[number]
  return { outcome: r.outcome, form_id: r.form_id, findings: presentFindings(r.findings) }
}
