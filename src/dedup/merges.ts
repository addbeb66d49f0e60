// Merges an officer asks for, their approval (four eyes: a commune officer's merge or unmerge
// takes effect when a commune head approves it), and undoing a merge. Automatic links are
// merged by the run itself (service.ts).
import { type Actor, auditWrite } from '../access/service.ts'
import { provinceCode } from '../platform/config.ts'
import { type Db, inTransaction } from '../platform/db.ts'
import { AppError, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import { applyPlan, createPlan, recordMerges, restoreSnapshot } from './merge-sql.ts'

interface MergeRow {
  id: string
  survivor_id: string
  absorbed_ids: string[]
  state: 'pending' | 'applied' | 'rejected' | 'undo_pending' | 'undone'
  requested_by: string
  undo_requested_by: string | null
  snapshot: Record<string, unknown[]> | null
}

const mayApprove = (actor: Actor) => actor.permissions.has('merges.approve')

/** Persons an officer found to be one: applied at once by an approver, else waiting for one. */
export async function requestMerge(db: Db, actor: Actor, survivor: string, absorbed: string[]) {
  const province = provinceCode()
  const others = [...new Set(absorbed)].filter((id) => id !== survivor)
  if (others.length === 0) throw new AppError('BAD_INPUT', { vi: 'Cần ít nhất hai người để hợp nhất.', en: 'A merge needs two persons.' })
  const id = uuidv7()
  await inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM person WHERE province_code = $1 AND id = ANY($2::uuid[]) FOR UPDATE',
      [province, [survivor, ...others]],
    )
    if (rows.length !== others.length + 1) throw notFound({ vi: 'người cần hợp nhất', en: 'A person to merge' })
    if (!mayApprove(actor)) {
      await client.query(
        `INSERT INTO person_merge (province_code, id, survivor_id, absorbed_ids, origin, state, requested_by)
         VALUES ($1, $2, $3, $4, 'officer', 'pending', $5)`,
        [province, id, survivor, others, actor.name],
      )
      return
    }
    await createPlan(client, { merge: others.map(() => id), survivor: others.map(() => survivor), absorbed: others })
    await recordMerges(client, province, { origin: 'officer', runId: null, requestedBy: actor.name, approvedBy: actor.name })
    await applyPlan(client, province)
  })
  await auditWrite(db, actor, mayApprove(actor) ? 'dedup.merge' : 'dedup.merge.request', `merge:${id}`, { survivor, absorbed: others })
  return { id, state: mayApprove(actor) ? 'applied' : 'pending' }
}

/** A commune head's yes (or no) to a waiting merge or unmerge; never their own request. */
export async function decideWaiting(db: Db, actor: Actor, mergeId: string, approve: boolean) {
  const province = provinceCode()
  const result = await inTransaction(db, async (client) => {
    const merge = await lockMerge(client, province, mergeId)
    if (merge.state !== 'pending' && merge.state !== 'undo_pending')
      throw new AppError(
        'MERGE_NOT_WAITING',
        { vi: 'Việc hợp nhất này không chờ duyệt.', en: 'This merge is not waiting for approval.' },
        409,
      )
    const requester = merge.state === 'pending' ? merge.requested_by : merge.undo_requested_by
    if (requester === actor.name)
      throw new AppError('FOUR_EYES', { vi: 'Người đề nghị không tự duyệt được.', en: 'A request needs someone else’s approval.' }, 403)
    if (merge.state === 'pending') {
      if (!approve) {
        await client.query(`UPDATE person_merge SET state = 'rejected', approved_by = $3 WHERE province_code = $1 AND id = $2`, [
          province,
          mergeId,
          actor.name,
        ])
        return 'rejected'
      }
      await createPlan(client, {
        merge: merge.absorbed_ids.map(() => mergeId),
        survivor: merge.absorbed_ids.map(() => merge.survivor_id),
        absorbed: merge.absorbed_ids,
      })
      await recordMerges(client, province, { origin: 'officer', runId: null, requestedBy: merge.requested_by, approvedBy: actor.name })
      await applyPlan(client, province)
      return 'applied'
    }
    if (!approve) {
      await client.query(
        `UPDATE person_merge SET state = 'applied', undo_requested_by = NULL, undo_requested_at = NULL WHERE province_code = $1 AND id = $2`,
        [province, mergeId],
      )
      return 'applied'
    }
    await restore(client, province, merge, actor)
    return 'undone'
  })
  await auditWrite(db, actor, approve ? 'dedup.approve' : 'dedup.reject', `merge:${mergeId}`, { state: result })
  return { id: mergeId, state: result }
}

/** Undoes an applied merge (an approver at once; anyone else asks for it). */
export async function undoMerge(db: Db, actor: Actor, mergeId: string) {
  const province = provinceCode()
  const restored = await inTransaction(db, async (client) => {
    const merge = await lockMerge(client, province, mergeId)
    if (merge.state !== 'applied')
      throw new AppError('MERGE_NOT_APPLIED', { vi: 'Việc hợp nhất này không còn hiệu lực.', en: 'This merge is not in effect.' }, 409)
    if (!mayApprove(actor)) {
      await client.query(
        `UPDATE person_merge SET state = 'undo_pending', undo_requested_by = $3, undo_requested_at = now() WHERE province_code = $1 AND id = $2`,
        [province, mergeId, actor.name],
      )
      return []
    }
    await restore(client, province, merge, actor)
    return [merge.survivor_id, ...merge.absorbed_ids]
  })
  await auditWrite(db, actor, restored.length ? 'dedup.unmerge' : 'dedup.unmerge.request', `merge:${mergeId}`, {})
  return { id: mergeId, state: restored.length ? 'undone' : 'undo_pending', restored }
}

type Client = Parameters<Parameters<typeof inTransaction>[1]>[0]

async function lockMerge(client: Client, province: string, id: string): Promise<MergeRow> {
  const { rows } = await client.query<MergeRow>(
    `SELECT id, survivor_id, absorbed_ids, state, requested_by, undo_requested_by, snapshot FROM person_merge
      WHERE province_code = $1 AND id = $2 FOR UPDATE`,
    [province, id],
  )
  const merge = rows[0]
  if (!merge) throw notFound({ vi: 'việc hợp nhất', en: 'Merge' })
  return merge
}

/**
 * The register as it was before the merge. Refused when a later merge took the same survivor
 * (undo that first) or the survivor changed since (its values would be lost).
 */
async function restore(client: Client, province: string, merge: MergeRow, actor: Actor) {
  const later = await client.query(
    `SELECT 1 FROM person_merge WHERE province_code = $1 AND state IN ('applied', 'undo_pending') AND id > $2
        AND ($3 = survivor_id OR $3 = ANY(absorbed_ids))`,
    [province, merge.id, merge.survivor_id],
  )
  if (later.rowCount)
    throw new AppError(
      'MERGE_NOT_LAST',
      {
        vi: 'Người này đã được hợp nhất tiếp sau đó; hãy tách lần sau trước.',
        en: 'A later merge involves this person; undo that one first.',
      },
      409,
    )
  const before = (merge.snapshot?.person ?? []).find((p) => (p as { id: string }).id === merge.survivor_id) as
    | { version: number }
    | undefined
  const now = await client.query<{ version: number }>('SELECT version FROM person WHERE province_code = $1 AND id = $2', [
    province,
    merge.survivor_id,
  ])
  if (!before || now.rows[0]?.version !== before.version + 1)
    throw new AppError(
      'PERSON_CHANGED',
      {
        vi: 'Người này đã thay đổi sau khi hợp nhất; không thể tách tự động.',
        en: 'The person changed after the merge; it cannot be undone automatically.',
      },
      409,
    )
  await restoreSnapshot(client, province, merge.survivor_id, merge.snapshot as Record<string, unknown[]>)
  await client.query(`UPDATE person_merge SET state = 'undone', undone_by = $3, undone_at = now() WHERE province_code = $1 AND id = $2`, [
    province,
    merge.id,
    actor.name,
  ])
}
