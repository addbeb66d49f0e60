// Batches of identity-card applications: many sent to production, received back from it, or
// handed over at once, from references scanned or typed at the counter (12-digit personal ID
// numbers or slip numbers). Each reference comes out ok, refused (the rule and its reason),
// unknown, unreadable or a duplicate of one before it. The good ones are taken and the others
// listed — a clerk who scanned 200 cards keeps the 198 good ones and sees the 2 bad ones; a
// refusal rolls nothing back. Every reference is checked on its locked row before anything is
// written, so the one transaction takes all the good ones, or none on an unexpected error.
//
// The writes are takeStep's (service.ts), a statement each for the whole batch instead of four
// per step: step by step, a card received back cost 7 ms on the embedded engine (35 s for
// 5,000). A batch's steps (to production, produced, arrived, handed over) never complete a file
// nor send it back, so they leave its deadline as it is; test/identity-batch.test.ts checks that
// a batch leaves an application as single steps do.
import { type Actor, audited } from '../access/service.ts'
import { today } from '../geo/eras.ts'
import { provinceCode } from '../platform/config.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import { checkStep, type Refusal, type State } from './applications.ts'
import * as bq from './batch-queries.ts'
import * as q from './queries.ts'
import { type Context, parseReference, resolveReferences, stepContext } from './service.ts'
import { cardExpiry } from './validity.ts'

/** send: to production; receive: cards back from production, at the commune; hand_over: to the holders. */
export const BATCH_KINDS = ['send', 'receive', 'hand_over'] as const
export type BatchKind = (typeof BATCH_KINDS)[number]

/** The most references one batch takes: a production shipment of a large commune, with room. */
export const BATCH_LIMIT = 5000

export const OUTCOMES = ['ok', 'refused', 'unknown', 'unreadable', 'duplicate'] as const
export type Outcome = (typeof OUTCOMES)[number]

/**
 * The steps a batch of this kind takes from a state. A card received back from production has
 * been produced and has arrived: both steps, the same day — only the arrival when its production
 * was already recorded.
 */
export function stepsOf(kind: BatchKind, from: State): State[] {
  if (kind === 'send') return ['sent_for_production']
  if (kind === 'hand_over') return ['handed_over']
  return from === 'produced' ? ['arrived'] : ['produced', 'arrived']
}

/** What the plan needs of an application. */
export interface Candidate {
  id: string
  state: State
  biometrics: boolean
  state_at: string
}

export interface Resolved<A> {
  application?: A | undefined
  problem?: 'unreadable' | 'unknown' | undefined
}

export interface Planned<A> {
  ref: string
  outcome: Outcome
  application: A | null
  /** The steps taken (or, in a preview, that would be), for an ok. */
  steps: State[]
  refusal: Refusal | null
  /** A duplicate: the index in the references of the first that named the same. */
  duplicate_of: number | null
}

/**
 * The reference a scan or a line gives: trimmed; a card's QR code (its fields separated by `|`,
 * the personal ID number first) read as its first field.
 */
export function readReference(text: string): string {
  const t = text.trim()
  return t.includes('|') ? (t.split('|')[0] as string).trim() : t
}

/** The references of a file (or stdin for `-`): one a line, blank lines and `#` comments skipped, with their line numbers. */
export function readNumbers(text: string): { refs: string[]; lines: number[] } {
  const refs: string[] = []
  const lines: number[] = []
  for (const [i, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    refs.push(line)
    lines.push(i + 1)
  }
  return { refs, lines }
}

/** The same reference however it was typed: an ID number with spaces, a slip number with zeros. */
function keyOf(text: string): string {
  const parsed = parseReference(text)
  return parsed === null ? `text:${text}` : 'number' in parsed ? `number:${parsed.number}` : `no:${parsed.no}`
}

/**
 * Each reference's outcome, in the order given. `resolved` is keyed by the trimmed reference. A
 * reference naming the same application as an earlier one (or the same text again) is a duplicate;
 * an application is refused when a step of the batch may not follow its state (checkStep's rule),
 * or when the batch's day is before its last step.
 */
export function planBatch<A extends Candidate>(
  kind: BatchKind,
  refs: readonly string[],
  resolved: ReadonlyMap<string, Resolved<A>>,
  what: { on: string; receiver?: string | null | undefined },
): Planned<A>[] {
  const seenKeys = new Map<string, number>()
  const seenApplications = new Map<string, number>()
  return refs.map((raw, i): Planned<A> => {
    const ref = readReference(raw)
    const none = { ref, application: null, steps: [], refusal: null, duplicate_of: null }
    const key = keyOf(ref)
    const earlier = seenKeys.get(key)
    if (ref !== '' && earlier !== undefined) return { ...none, outcome: 'duplicate', duplicate_of: earlier }
    seenKeys.set(key, i)
    const found = resolved.get(ref)
    if (ref === '' || !found || found.problem === 'unreadable') return { ...none, outcome: 'unreadable' }
    const a = found.application
    if (!a) return { ...none, outcome: 'unknown' }
    const first = seenApplications.get(a.id)
    if (first !== undefined) return { ...none, outcome: 'duplicate', application: a, duplicate_of: first }
    seenApplications.set(a.id, i)
    const steps = stepsOf(kind, a.state)
    let from = a.state
    for (const to of steps) {
      const refusal = checkStep(from, to, { biometrics: a.biometrics }, { receiver: what.receiver })
      if (refusal) return { ...none, outcome: 'refused', application: a, refusal }
      from = to
    }
    const since = q.stepDay(a.state_at)
    if (what.on < since) {
      const refusal: Refusal = {
        code: 'before-previous-step',
        vi: `Ngày ${what.on} trước bước trước của hồ sơ (${since}).`,
        en: `${what.on} is before the application's previous step (${since}).`,
      }
      return { ...none, outcome: 'refused', application: a, refusal }
    }
    return { ...none, outcome: 'ok', application: a, steps }
  })
}

const MESSAGES: Record<Exclude<Outcome, 'ok' | 'refused'>, { vi: string; en: string }> = {
  unknown: {
    vi: 'Không có hồ sơ nào mang số này trong các đơn vị của bạn.',
    en: 'No application of your units carries this number.',
  },
  unreadable: {
    vi: 'Không đọc được: cần số định danh cá nhân 12 chữ số hoặc số giấy hẹn.',
    en: 'Not readable: a 12-digit personal ID number or a slip number is needed.',
  },
  duplicate: { vi: 'Trùng với một số đã quét trước trong lô.', en: 'The same as a reference scanned before in this batch.' },
}

export interface BatchInput {
  kind: BatchKind
  refs: string[]
  /** The day the steps were taken; default today. */
  on?: string | undefined
  /** A hand-over: who received the cards, the same text for every card of the batch. */
  receiver?: string | null | undefined
  note?: string | null | undefined
  /** Report the outcomes and write nothing (the scanning screen's preview). */
  dry_run?: boolean | undefined
}

export interface BatchItem {
  ref: string
  outcome: Outcome
  application_id: string | null
  no: number | null
  personal_id: string | null
  name_display: string | null
  unit_code: string | null
  /** The application's state after the batch (or, in a preview, now). */
  state: State | null
  steps: State[]
  rule: string | null
  message: { vi: string; en: string } | null
  duplicate_of: number | null
}

export type Counts = Record<Outcome, number>

export interface BatchResult {
  dry_run: boolean
  kind: BatchKind
  on: string
  /** The batch written; null in a preview, or when no reference was taken. */
  batch: bq.BatchRow | null
  counts: Counts
  items: BatchItem[]
}

function itemOf(p: Planned<q.ApplicationRow>, after: q.ApplicationRow | undefined): BatchItem {
  const a = after ?? p.application
  return {
    ref: p.ref,
    outcome: p.outcome,
    application_id: a?.id ?? null,
    no: a?.no ?? null,
    personal_id: a?.personal_id ?? null,
    name_display: a?.name_display ?? null,
    unit_code: a?.unit_code ?? null,
    state: a?.state ?? null,
    steps: p.steps,
    rule: p.refusal?.code ?? null,
    message: p.refusal
      ? { vi: p.refusal.vi, en: p.refusal.en }
      : p.outcome === 'ok' || p.outcome === 'refused'
        ? null
        : MESSAGES[p.outcome],
    duplicate_of: p.duplicate_of,
  }
}

export function countOf(items: readonly { outcome: Outcome }[]): Counts {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Counts
  for (const i of items) counts[i.outcome]++
  return counts
}

/** Checks what is wrong with the request as a whole, before any reference is looked at. */
function checkInput(input: BatchInput, now: string): { on: string; receiver: string | null } {
  const on = input.on ?? now
  if (on > now) throw badInput({ vi: `on: ngày ${on} ở tương lai`, en: `on: ${on} is in the future` }, { field: 'on', rule: 'not-future' })
  if (input.refs.length === 0 || input.refs.length > BATCH_LIMIT) {
    throw badInput(
      {
        vi: `refs: một lô có từ 1 đến ${BATCH_LIMIT} số (có ${input.refs.length}) — chia thành nhiều lô`,
        en: `refs: a batch has 1 to ${BATCH_LIMIT} references (${input.refs.length} given) — split it into several`,
      },
      { field: 'refs', rule: 'size' },
    )
  }
  const receiver = input.receiver?.trim() || null
  if (input.kind === 'hand_over' && !receiver) {
    throw badInput(
      { vi: 'receiver: cần ghi người nhận thẻ của lô trả thẻ', en: 'receiver: a hand-over batch needs who received the cards' },
      { field: 'receiver', rule: 'required' },
    )
  }
  return { on, receiver }
}

/**
 * A batch inside a transaction: the references resolved in one query (within the caller's
 * scope: another unit's application is unknown, not revealed), their rows locked and read again
 * when they changed since, each checked, then the good ones stepped with the batch's id.
 */
export async function batchIn(client: Queryable, actor: Actor, input: BatchInput, ctx: Context): Promise<BatchResult> {
  const province = provinceCode()
  const now = today()
  const { on, receiver } = checkInput(input, now)
  const dryRun = input.dry_run === true
  const refs = input.refs.map(readReference)
  const resolved = await resolveReferences(client, refs, ctx.scope)
  if (!dryRun) {
    // Locked in id order (two batches never wait on each other in a circle), then the few that
    // changed between the read and the lock read again.
    const named = new Map(resolved.flatMap((r) => (r.application ? [[r.application.id, r.application.version] as const] : [])))
    const locked = await bq.lockApplications(client, province, [...named.keys()])
    const stale = locked.filter((l) => named.get(l.id) !== l.version).map((l) => l.id)
    for (const id of stale) {
      const fresh = await q.application(client, province, id, ctx.scope)
      for (const r of resolved) {
        if (r.application?.id !== id) continue
        if (fresh) r.application = fresh
        else {
          r.application = undefined
          r.problem = 'unknown'
        }
      }
    }
  }
  const plan = planBatch(input.kind, refs, new Map(resolved.map((r) => [r.ref, r])), { on, receiver })
  const accepted = plan.filter((p) => p.outcome === 'ok')
  const after = new Map<string, q.ApplicationRow>()
  let batch: bq.BatchRow | null = null
  if (!dryRun && accepted.length > 0) {
    const batchId = uuidv7()
    // As takeStep dates a step: now for today, else noon of that day in Vietnam.
    const at = on === now ? new Date().toISOString() : `${on}T05:00:00.000Z`
    const steps: bq.BatchStep[] = []
    const changes: bq.BatchChange[] = []
    const cards: bq.NewCard[] = []
    for (const p of accepted) {
      const a = p.application as q.ApplicationRow
      let from = a.state
      let since = a.state_at
      for (const to of p.steps) {
        steps.push({ application_id: a.id, from_state: from, to_state: to, since, unit_code: a.unit_code })
        if (to === 'produced') {
          const birth = { year: a.birth_year as number, month: a.birth_month, day: a.birth_day }
          cards.push({
            person_id: a.person_id,
            issued_on: on,
            expires_on: cardExpiry(birth, on),
            personal_id: a.personal_id,
            application_id: a.id,
          })
        }
        from = to
        since = at
      }
      const change = {
        id: a.id,
        state: from,
        steps: p.steps.length,
        arrived_on: from === 'arrived' ? on : null,
        handed_over_on: from === 'handed_over' ? on : null,
        receiver: from === 'handed_over' ? receiver : null,
      }
      changes.push(change)
      after.set(a.id, {
        ...a,
        state: from,
        state_at: at,
        arrived_on: change.arrived_on ?? a.arrived_on,
        handed_over_on: change.handed_over_on ?? a.handed_over_on,
        receiver: change.receiver ?? a.receiver,
        version: a.version + p.steps.length,
      })
    }
    await bq.insertSteps(client, province, { batch_id: batchId, at, officer: actor.name, receiver }, steps)
    await bq.updateStates(client, province, at, changes)
    await bq.issueCards(client, province, actor.name, cards)
    const units = new Set(changes.map((c) => (after.get(c.id) as q.ApplicationRow).unit_code))
    batch = await bq.insertBatch(client, province, {
      id: batchId,
      kind: input.kind,
      unit_code: units.size === 1 ? ([...units][0] as string) : null,
      note: input.note?.trim() || null,
      applications: accepted.length,
      created_by: actor.name,
    })
  }
  const items = plan.map((p) => itemOf(p, p.outcome === 'ok' && p.application ? after.get(p.application.id) : undefined))
  return { dry_run: dryRun, kind: input.kind, on, batch, counts: countOf(items), items }
}

/** A batch, audited (a preview as a read), for the API and the CLI. */
export async function runBatch(db: Db, actor: Actor, input: BatchInput, scope: string[] | null): Promise<BatchResult> {
  checkInput(input, today())
  const ctx = await stepContext(db, scope)
  return audited(
    db,
    actor,
    input.dry_run ? 'id.batch.preview.read' : `id.batch.${input.kind}`,
    async (client) => {
      const result = await batchIn(client, actor, input, ctx)
      return { result, target: result.batch ? `batch:${result.batch.id}` : null, details: { kind: input.kind, ...result.counts } }
    },
    { details: { kind: input.kind, refs: input.refs.length } },
  )
}

export interface BatchListQuery {
  unit?: string | undefined
  kind?: BatchKind | undefined
  after?: string | undefined
  limit: number
}

/** Batches newest first, those carrying an application of the caller's units; one page. */
export async function listBatches(db: Queryable, query: BatchListQuery, scope: string[] | null) {
  const rows = await bq.batches(db, provinceCode(), { ...query, limit: query.limit + 1 }, scope)
  const page = rows.slice(0, query.limit)
  return { items: page, next: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null }
}

/** A batch and the applications it carried (a commune user: those of their units; none, not found). */
export async function getBatch(db: Queryable, id: string, scope: string[] | null) {
  const province = provinceCode()
  const batch = await bq.batch(db, province, id)
  const applications = batch ? await bq.batchApplications(db, province, id, scope) : []
  if (!batch || (scope !== null && applications.length === 0)) throw notFound({ vi: 'lô hồ sơ', en: 'Batch' })
  return { ...batch, items: applications }
}
