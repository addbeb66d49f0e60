// identity's batches over HTTP: many applications sent to production, received back from it, or
// handed over at once from scanned or typed references (a preview reports the outcomes and
// writes nothing); the batches, and the applications one carried. Audited; a commune user's
// references reach their units' applications only.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, audited } from '../access/service.ts'
import { isIsoDate } from '../geo/eras.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { STATES } from './applications.ts'
import { BATCH_KINDS, BATCH_LIMIT, getBatch, listBatches, OUTCOMES, runBatch } from './batch.ts'

const tags = ['identity']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const Id = z.string().uuid()
const Day = z.string().refine(isIsoDate, 'YYYY-MM-DD')
const Text = z.string().max(500)
const Message = z.object({ vi: z.string(), en: z.string() })

const Batch = z
  .object({
    id: z.string(),
    kind: z.enum(BATCH_KINDS),
    unit_code: z.string().nullable().meta({ description: 'the commune of its applications when all are of one' }),
    note: z.string().nullable(),
    applications: z.number().meta({ description: 'how many applications it took' }),
    created_by: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'IdBatch' })

const BatchItem = z
  .object({
    ref: z.string().meta({ description: 'the reference as read: trimmed, a QR code’s first field' }),
    outcome: z.enum(OUTCOMES),
    application_id: z.string().nullable(),
    no: z.number().nullable(),
    personal_id: z.string().nullable(),
    name_display: z.string().nullable(),
    unit_code: z.string().nullable(),
    state: z.enum(STATES).nullable().meta({ description: 'the application’s state after the batch (in a preview: now)' }),
    steps: z.array(z.enum(STATES)).meta({ description: 'the steps taken (in a preview: that would be)' }),
    rule: z.string().nullable().meta({ description: 'a refusal’s rule (as a single step’s 422 gives it)' }),
    message: Message.nullable(),
    duplicate_of: z.number().nullable().meta({ description: 'a duplicate: the index in `refs` of the first naming the same' }),
  })
  .meta({ id: 'IdBatchItem' })

const Counts = z.object(Object.fromEntries(OUTCOMES.map((o) => [o, z.number()])) as Record<(typeof OUTCOMES)[number], z.ZodNumber>)

const BatchResult = z
  .object({
    dry_run: z.boolean(),
    kind: z.enum(BATCH_KINDS),
    on: z.string(),
    batch: Batch.nullable().meta({ description: 'null in a preview, or when no reference was taken' }),
    counts: Counts,
    items: z.array(BatchItem).meta({ description: 'one per reference, in the order given' }),
  })
  .meta({ id: 'IdBatchResult' })

const BatchApplication = z.object({
  application_id: z.string(),
  no: z.number(),
  personal_id: z.string(),
  name_display: z.string(),
  unit_code: z.string(),
  state: z.enum(STATES).meta({ description: 'its state now' }),
  steps: z.array(z.enum(STATES)).meta({ description: 'the steps the batch took' }),
  at: z.string(),
})

export const batchRoutes: RouteModule = (app, { db }) => {
  app.post(
    '/api/id/batches',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Send, receive back or hand over many applications / Xử lý hồ sơ theo lô',
        description:
          'From references scanned or typed (12-digit personal ID numbers or slip numbers): `send` takes each to sent_for_production; ' +
          '`receive` records a card back from production — produced, then arrived at the commune, the same day (only arrived when ' +
          'production was recorded already); `hand_over` takes each to handed_over with `receiver`, one text for the whole batch ' +
          '(required). Each reference comes out `ok`, `refused` (the rule and its reason), `unknown` (no application of your units), ' +
          '`unreadable` or `duplicate`; the good ones are taken in one transaction and the others listed — a refusal rolls nothing ' +
          'back. `dry_run: true` reports the same outcomes and writes nothing. 201 when a batch was written, 200 otherwise.',
        body: z.object({
          kind: z.enum(BATCH_KINDS),
          refs: z
            .array(z.string().max(500))
            .min(1)
            .max(BATCH_LIMIT)
            .meta({ description: 'personal ID numbers or slip numbers; a card’s QR code (fields separated by |) is read as its first' }),
          on: Day.optional().meta({ description: 'the day the steps were taken; default today' }),
          receiver: Text.nullish().meta({ description: 'hand_over: who received the cards (e.g. "Chính chủ"), for all of them' }),
          note: Text.nullish(),
          dry_run: z.boolean().default(false),
        }),
        response: { 200: BatchResult, 201: BatchResult, ...errors },
      },
    },
    async (request, reply) => {
      const result = await runBatch(db, request.actor as Actor, request.body, scopeOf(request))
      reply.code(result.batch ? 201 : 200)
      return result
    },
  )

  app.get(
    '/api/id/batches',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Batches, newest first / Danh sách lô',
        description:
          'The batches that carried an application of the caller’s units; `unit`: of that commune; `kind`. Pages by the `next` cursor.',
        querystring: z.object({
          unit: z.string().max(10).optional(),
          kind: z.enum(BATCH_KINDS).optional(),
          after: Id.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(Batch), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => listBatches(db.pool, request.query, scopeOf(request)),
  )

  app.get(
    '/api/id/batches/:id',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'A batch and its applications / Một lô và các hồ sơ',
        description: 'A commune user sees the applications of their units only, and not a batch that carried none of them.',
        params: z.object({ id: Id }),
        response: { 200: Batch.extend({ items: z.array(BatchApplication) }).meta({ id: 'IdBatchWithApplications' }), ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'id.batch.read',
        async (client) => ({ result: await getBatch(client, request.params.id, scopeOf(request)) }),
        { target: `batch:${request.params.id}` },
      ),
  )
}
