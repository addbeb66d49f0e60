// dedup's HTTP routes: the review queue with each pair's evidence, officers' decisions, merges
// waiting for a commune head, a person's merges and their undoing. Persons outside the caller's
// units are a 404, as everywhere.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, auditWrite } from '../access/service.ts'
import { provinceCode } from '../platform/config.ts'
import { notFound } from '../platform/errors.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { uuidv7 } from '../platform/ids.ts'
import { FIELDS, LEVELS } from './compare.ts'
import { decideWaiting, requestMerge, undoMerge } from './merges.ts'
import * as q from './queries.ts'

const tags = ['dedup']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const Id = z.string().uuid()

const ReviewPerson = z.object({
  id: z.string(),
  name_display: z.string(),
  birth_year: z.number().nullable(),
  birth_month: z.number().nullable(),
  birth_day: z.number().nullable(),
  sex: z.string().nullable(),
  personal_id: z.string().nullable(),
  old_id: z.string().nullable(),
  phone: z.string().nullable(),
  unit_code: z.string().nullable(),
  origin_form_id: z.string(),
  forms: z.number(),
})

const Merge = z.object({
  id: z.string(),
  state: z.enum(['pending', 'applied', 'rejected', 'undo_pending', 'undone']),
  origin: z.string(),
  survivor_id: z.string(),
  absorbed_ids: z.array(z.string()),
  requested_by: z.string(),
  requested_at: z.string(),
  approved_by: z.string().nullable(),
  undo_requested_by: z.string().nullable(),
  undo_requested_at: z.string().nullable(),
  persons: z.array(z.object({ id: z.string(), name_display: z.string().nullable(), in_register: z.boolean() })),
})

const MergeResult = z.object({ id: z.string(), state: z.string() })

export const dedupRoutes: RouteModule = (app, { db }) => {
  const actorOf = (request: { actor: Actor | null }) => request.actor as Actor

  app.get(
    '/api/dedup/review',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'The review queue / Cặp cần xem xét',
        description:
          'Pairs of persons the last run could neither link nor rule out, most uncertain first, with each field’s level and weight (bits) — why the pair scored as it did.',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(20),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                probability: z.number(),
                conflict: z.string().nullable(),
                evidence: z.array(z.object({ field: z.string(), level: z.string().nullable(), weight: z.number() })),
                a: ReviewPerson,
                b: ReviewPerson,
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const rows = await q.reviewPairs(db.pool, provinceCode(), scopeOf(request), request.query.limit, request.query.offset)
      return {
        items: rows.map((r) => ({
          probability: r.probability,
          conflict: r.conflict,
          evidence: FIELDS.map((field, i) => {
            const level = r.levels[i] as number
            return { field, level: level < 0 ? null : (LEVELS[field][level] ?? null), weight: r.weights[i] as number }
          }),
          a: r.a,
          b: r.b,
        })),
      }
    },
  )

  app.post(
    '/api/dedup/decisions',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'Decide a pair / Quyết định một cặp',
        description:
          '`same` asks for the merge (applied at once for a commune head, else waiting for one); `not_same` keeps the two apart in every later run; `unsure` leaves the pair in the queue. Recorded with its author.',
        body: z.object({
          person_a: Id,
          person_b: Id,
          decision: z.enum(['same', 'not_same', 'unsure']),
          note: z.string().max(500).optional(),
        }),
        response: { 200: z.object({ decision: z.string(), merge: MergeResult.nullable() }), ...errors },
      },
    },
    async (request) => {
      const { person_a, person_b, decision, note } = request.body
      const province = provinceCode()
      const actor = actorOf(request)
      const visible = await q.personsInScope(db.pool, province, [person_a, person_b], scopeOf(request))
      if (!visible.has(person_a) || !visible.has(person_b) || person_a === person_b) throw notFound({ vi: 'cặp người', en: 'Pair' })
      const forms = await q.originForms(db.pool, province, [person_a, person_b])
      await q.recordDecision(db.pool, province, {
        id: uuidv7(),
        formA: forms.get(person_a) as string,
        formB: forms.get(person_b) as string,
        personA: person_a,
        personB: person_b,
        decision,
        by: actor.name,
        note: note ?? null,
      })
      await auditWrite(db, actor, `dedup.decision.${decision}`, `pair:${person_a}:${person_b}`, {})
      const merge = decision === 'same' ? await requestMerge(db, actor, person_a, [person_b]) : null
      return { decision, merge }
    },
  )

  app.get(
    '/api/dedup/merges',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Merges / Các lần hợp nhất',
        description:
          'Those waiting for a commune head (`waiting=true`), or those of one person (`person`), newest first; each with its persons’ names (from the merge’s snapshot for those it absorbed).',
        querystring: z.object({ waiting: z.coerce.boolean().default(false), person: Id.optional() }),
        response: { 200: z.object({ items: z.array(Merge) }), ...errors },
      },
    },
    async (request) => {
      const items = await q.mergeList(db.pool, provinceCode(), { ...request.query, scope: scopeOf(request) })
      return {
        items: items.map((m) => ({
          ...m,
          requested_at: new Date(m.requested_at).toISOString(),
          undo_requested_at: m.undo_requested_at && new Date(m.undo_requested_at).toISOString(),
        })),
      }
    },
  )

  const inScope = async (request: Parameters<typeof scopeOf>[0], mergeId: string) => {
    const [merge] = await q.mergeList(db.pool, provinceCode(), { id: mergeId, scope: scopeOf(request) })
    if (!merge) throw notFound({ vi: 'việc hợp nhất', en: 'Merge' })
  }

  for (const [action, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    app.post(
      `/api/dedup/merges/:id/${action}`,
      {
        config: { access: 'merges.approve' },
        schema: {
          tags,
          summary: approve ? 'Approve a waiting merge or unmerge / Duyệt' : 'Reject a waiting merge or unmerge / Từ chối',
          description: 'Four eyes: never the request’s own author.',
          params: z.object({ id: Id }),
          response: { 200: MergeResult, ...errors },
        },
      },
      async (request) => {
        await inScope(request, request.params.id)
        return decideWaiting(db, actorOf(request), request.params.id, approve)
      },
    )
  }

  app.post(
    '/api/dedup/merges/:id/undo',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'Undo a merge / Tách',
        description: 'Restores the persons, their values and form links as they were. A commune officer’s undo waits for a commune head.',
        params: z.object({ id: Id }),
        response: { 200: MergeResult, ...errors },
      },
    },
    async (request) => {
      await inScope(request, request.params.id)
      const { id, state } = await undoMerge(db, actorOf(request), request.params.id)
      return { id, state }
    },
  )
}
