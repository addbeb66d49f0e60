// identity's due lists over HTTP: recording a card held from before coso, a person's cards, the
// door-to-door lists (JSON pages, or the whole list as CSV or XLSX) and their counts per commune.
// Every route is scoped to the caller's units and audited.
import { PassThrough } from 'node:stream'
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, audited } from '../access/service.ts'
import { isIsoDate, today } from '../geo/eras.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { DUE_LISTS, MONTHS } from './due.ts'
import * as due from './due-service.ts'

const tags = ['identity']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const Id = z.string().uuid()
const Day = z.string().refine(isIsoDate, 'YYYY-MM-DD')
const Months = z.coerce
  .number()
  .int()
  .min(MONTHS.min)
  .max(MONTHS.max)
  .default(MONTHS.default)
  .meta({ description: `how many months ahead the renewal list looks (${MONTHS.min}–${MONTHS.max})` })

const Card = z
  .object({
    person_id: z.string(),
    issued_on: z.string(),
    expires_on: z.string().nullable().meta({ description: 'the last day it is valid; null: it does not expire' }),
    personal_id: z.string(),
    source: z.enum(['recorded', 'application']).meta({ description: 'recorded: held from before coso' }),
    application_id: z.string().nullable(),
    recorded_by: z.string(),
    recorded_at: z.string(),
  })
  .meta({ id: 'IdCard' })

const PersonCards = z
  .object({
    person_id: z.string(),
    on: z.string(),
    in_force: Card.nullable().meta({ description: 'the latest card issued by `on`' }),
    valid: z.boolean().meta({ description: 'the card in force is valid on `on`' }),
    cards: z.array(Card),
  })
  .meta({ id: 'PersonCards' })

const DueRow = z
  .object({
    person_id: z.string(),
    name: z.string(),
    birth_date: z.string().nullable().meta({ description: 'ISO at the precision recorded: 1950, 1950-03 or 1950-03-07' }),
    sex: z.enum(['M', 'F']).nullable(),
    personal_id: z.string().nullable(),
    unit: z.string().meta({ description: 'the unit of today, or split:OLD for a split commune’s household not placed yet' }),
    unit_name: z.string().nullable(),
    household_id: z.string().nullable(),
    address: z.string().nullable(),
    hamlet: z.string().nullable(),
    renewal_age: z.number().nullable(),
    renewal_on: z.string().nullable().meta({ description: 'the day the age is reached (the earliest possible for a partial birth date)' }),
    card_issued_on: z.string().nullable(),
    card_expires_on: z.string().nullable(),
    application_state: z.string().nullable().meta({ description: 'the state of an application not yet handed over or cancelled' }),
  })
  .meta({ id: 'DueRow' })

const DuePage = z
  .object({
    list: z.enum(DUE_LISTS),
    on: z.string(),
    months: z.number(),
    unit: z.string().nullable(),
    total: z.number(),
    limit: z.number(),
    offset: z.number(),
    items: z.array(DueRow),
  })
  .meta({ id: 'DuePage' })

const DueSummary = z
  .object({
    on: z.string(),
    months: z.number(),
    items: z.array(
      z.object({ unit: z.string(), name: z.string().nullable(), renewal: z.number(), missing: z.number(), expired: z.number() }),
    ),
  })
  .meta({ id: 'DueSummary' })

export const dueRoutes: RouteModule = (app, { db }) => {
  const actorOf = (request: { actor: Actor | null }) => request.actor as Actor

  app.post(
    '/api/id/cards',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Record a card held from before coso / Ghi thẻ căn cước đã cấp',
        description:
          'The card the person holds, issued on `issued_on`; its expiry follows from the card rules (renewal ages, the 2-year rule, ' +
          'no expiry from 60) and the birth date, a partial one conservatively. 201 when recorded, 200 when it was already. ' +
          'Refused: an issue day in the future, before the birth or after the death (400, field issued_on); a person without a number ' +
          'or a birth year (422).',
        body: z.object({ person_id: Id, issued_on: Day }),
        response: { 200: z.object({ card: Card, created: z.boolean() }), 201: z.object({ card: Card, created: z.boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      const recorded = await audited(
        db,
        request.actor,
        'id.card.record',
        async (client) => {
          const r = await due.recordCardIn(client, actorOf(request), request.body, scopeOf(request))
          return {
            result: r,
            person_id: r.card.person_id,
            target: `card:${r.card.person_id}:${r.card.issued_on}`,
            details: { created: r.created },
          }
        },
        { person_id: request.body.person_id, details: { issued_on: request.body.issued_on } },
      )
      reply.code(recorded.created ? 201 : 200)
      return recorded
    },
  )

  app.get(
    '/api/persons/:id/cards',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'A person’s identity cards / Thẻ căn cước của một người',
        description:
          'Every card recorded, the latest issued first, with the one in force on `on` (default today) and whether it is valid then.',
        params: z.object({ id: Id }),
        querystring: z.object({ on: Day.optional() }),
        response: { 200: PersonCards, ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'person.cards.read',
        async (client) => ({ result: await due.personCards(client, request.params.id, scopeOf(request), request.query.on) }),
        { person_id: request.params.id },
      ),
  )

  app.get(
    '/api/id/due',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Due lists for door-to-door work / Danh sách cần cấp, đổi thẻ',
        description:
          '`renewal`: living residents who reach 14, 25, 40 or 60 within `months` months of `on`, unless their card in force stays valid ' +
          'past that birthday (the 2-year rule) or never expires; `missing`: residents aged 14 or more (or of unknown age) with no card ' +
          'valid on `on`; `expired`: residents whose card in force has expired. Residents are those whose stay of `on` lies in the ' +
          'caller’s units (or `unit`); partial birth dates count conservatively (anyone who may be due is listed). Rows are in ' +
          'door-to-door order: unit, hamlet, address, name. JSON pages with `total`; `format=csv|xlsx` streams the whole list with ' +
          'Vietnamese headers (the count in `x-total-count`).',
        querystring: z.object({
          list: z.enum(DUE_LISTS),
          months: Months,
          unit: z
            .string()
            .regex(/^\d{5}$/)
            .optional()
            .meta({ description: 'a unit of today; default every unit within the caller’s scope' }),
          on: Day.optional().meta({ description: 'the day, YYYY-MM-DD; default today' }),
          format: z.enum(['json', 'csv', 'xlsx']).default('json'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
        response: { 200: DuePage, ...errors },
      },
    },
    async (request, reply) => {
      const { format, limit, offset, ...params } = request.query
      const scope = scopeOf(request)
      const attempted = { details: { ...params, format } }
      // Read before the transaction: the embedded engine has one connection.
      const map = await due.dueMap(db)
      if (format === 'json') {
        return audited(
          db,
          request.actor,
          'id.due.read',
          async (client) => {
            const page = await due.duePage(client, map, { ...params, limit, offset }, scope)
            return { result: page, details: { total: page.total, rows: page.items.length } }
          },
          attempted,
        )
      }
      // The file streams from a cursor of the audited transaction; it is sent once the list is
      // sorted and counted, so a refusal before that is still an error in JSON.
      const stream = new PassThrough()
      const sink = await due.dueSink(format, stream)
      let ready: (total: number) => void = () => {}
      const started = new Promise<number>((resolve) => {
        ready = resolve
      })
      const work = audited(
        db,
        request.actor,
        'id.due.read',
        async (client) => {
          const rows = await due.writeDueList(client, map, params, scope, sink, { started: ready })
          if (!stream.writableEnded) stream.end()
          return { result: rows, details: { rows } }
        },
        attempted,
      )
      work.catch((error: unknown) => stream.destroy(error as Error))
      const total = await Promise.race([started, work])
      const name = `due-${params.list}-${params.unit ?? 'all'}-${params.on ?? today()}.${format}`
      return (
        reply
          .header('content-type', due.FILE_TYPES[format])
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('x-total-count', String(total))
          // A stream is sent as it is, not through the JSON schema (which types the reply).
          .send(stream as never)
      )
    },
  )

  app.get(
    '/api/id/due/summary',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Due lists counted per commune / Số người cần cấp, đổi thẻ theo xã',
        description:
          'For each unit of today within the caller’s units (province users: all, and the lines of split communes’ households not placed ' +
          'yet), how many are on each due list, counted as `GET /api/id/due` lists them.',
        querystring: z.object({ months: Months, on: Day.optional() }),
        response: { 200: DueSummary, ...errors },
      },
    },
    async (request) => {
      const map = await due.dueMap(db)
      return audited(
        db,
        request.actor,
        'id.due.summary.read',
        async (client) => ({ result: await due.dueSummary(client, map, request.query, scopeOf(request)) }),
        { details: request.query },
      )
    },
  )
}
