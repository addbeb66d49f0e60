// events' HTTP routes: recording any event, a person's timeline, a household's history, the
// population of any unit on any day, the 2025 reorganisation's work queue and reconciliation,
// and freshness. Writes are audited with the event; reads of persons are scoped and audited.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, audited } from '../access/service.ts'
import { isIsoDate, today } from '../geo/eras.ts'
import { gazetteer, unitIndex } from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import { notFound } from '../platform/errors.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import * as register from '../register/service.ts'
import * as population from './population.ts'
import { EventInput } from './schema.ts'
import * as events from './service.ts'

const tags = ['events']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const Id = z.string().uuid()
const Day = z.string().refine(isIsoDate, 'YYYY-MM-DD').meta({ description: 'a day, YYYY-MM-DD; default today' })
const EraParam = z.coerce
  .number()
  .refine((n) => n === 2024 || n === 2025, '2024 or 2025')
  .transform((n) => n as 2024 | 2025)
const Json = z.record(z.string(), z.unknown())
const Event = z
  .object({
    id: z.string(),
    kind: z.string(),
    person_id: z.string().nullable(),
    household_id: z.string().nullable(),
    effective_on: z.string(),
    recorded_at: z.string(),
    officer: z.string(),
    document: z.string().nullable(),
    details: Json,
    batch_id: z.string().nullable(),
    revoked_by: z.string().nullable().optional().meta({ description: 'the revocation that cancelled it' }),
  })
  .meta({ id: 'Event' })
const Stay = z
  .object({
    valid_from: z.string().meta({ description: 'first day, or -infinity' }),
    valid_to: z.string().meta({ description: 'the day it ended (not included), or infinity' }),
    kind: z.enum(['permanent', 'temporary']),
    unit_code: z.string(),
    era: z.number(),
    household_id: z.string().nullable(),
    relation_to_head: z.string().nullable(),
    detail: z.string().nullable(),
    event_id: z.string().nullable(),
  })
  .meta({ id: 'Stay' })
const HouseholdStay = z
  .object({
    person_id: z.string(),
    name_display: z.string(),
    relation_to_head: z.string().nullable(),
    valid_from: z.string(),
    valid_to: z.string(),
    kind: z.string(),
    unit_code: z.string(),
    era: z.number(),
  })
  .meta({ id: 'HouseholdStay' })

const Line = z.object({
  unit: z.string().meta({ description: 'a unit code, or split:OLD, new:CODE, unknown:CODE' }),
  name: z.string().nullable(),
  persons: z.number(),
})
const Population = z.object({ on: z.string(), era: z.number(), lines: z.array(Line) }).meta({ id: 'Population' })
const UnitPopulation = z
  .object({
    on: z.string(),
    era: z.number(),
    unit: z.string(),
    name: z.string(),
    persons: z.number(),
    recorded: z.array(z.object({ unit_code: z.string(), era: z.number(), persons: z.number() })),
    unplaced: z.array(z.object({ line: z.string(), persons: z.number() })),
  })
  .meta({ id: 'UnitPopulation' })
const Flow = z.object({ line: z.string(), households: z.number(), persons: z.number() })
const Reconciliation = z
  .object({
    on: z.string(),
    old: z.array(z.object({ code: z.string(), households: z.number(), persons: z.number(), to: z.array(Flow) })),
    new: z.array(
      z.object({
        code: z.string(),
        households: z.number(),
        persons: z.number(),
        inflow_households: z.number(),
        inflow_persons: z.number(),
        difference: z.boolean(),
      }),
    ),
    unplaced: z.object({ households: z.number(), persons: z.number() }),
  })
  .meta({ id: 'Reconciliation' })
const Freshness = z
  .object({
    unit: z.string(),
    name: z.string().nullable(),
    persons: z.number(),
    confirmed_share: z.number().nullable(),
    awaiting_number: z.number(),
    temporary_expired: z.number(),
    over_100_unconfirmed: z.number(),
    households_without_head: z.number(),
  })
  .meta({ id: 'Freshness' })
const SplitCommune = z
  .object({
    old_code: z.string(),
    old_name: z.string(),
    successors: z.array(z.object({ code: z.string(), name: z.string() })),
    households: z.number(),
    persons: z.number(),
    unplaced_households: z.number(),
    hamlets: z.array(
      z.object({
        hamlet: z.string().nullable(),
        households: z.number(),
        persons: z.number(),
        unplaced: z.number(),
        placed: z.record(z.string(), z.number()),
      }),
    ),
  })
  .meta({ id: 'SplitCommune' })

export const eventRoutes: RouteModule = (app, { db }) => {
  const actorOf = (request: { actor: Actor | null }) => request.actor as Actor

  app.post(
    '/api/events',
    {
      config: { access: 'register.write' },
      schema: {
        tags,
        summary: 'Record a life event / Ghi một sự kiện',
        description:
          'Birth, death, move (within, out of, into the province), temporary residence and absence, marriage, divorce, household split, ' +
          'merge and head change, name change, correction (with its reason), confirmation, and revocation (undo) of an earlier event. ' +
          'The lives it touches are re-derived from the whole log; an event that contradicts the log (death before birth, a move to ' +
          'where the person already lives, a marriage after death, or one that would make a later event wrong) is refused with 422 and the reasons.',
        body: EventInput,
        response: { 201: z.object({ event: Event, persons: z.array(z.string()), also: z.array(z.string()) }), ...errors },
      },
    },
    async (request, reply) => {
      const input = request.body
      // Read before the transaction: the embedded engine has one connection.
      const index = await unitIndex(db.kysely)
      const recorded = await audited(
        db,
        request.actor,
        `event.${input.kind}`,
        async (client) => {
          const r = await events.recordEventIn(client, actorOf(request), input, { index, scope: scopeOf(request) })
          return { result: r, person_id: r.persons[0] ?? null, target: `event:${r.event.id}`, details: { persons: r.persons.length } }
        },
        { person_id: 'person_id' in input ? input.person_id : null, details: { kind: input.kind } },
      )
      reply.code(201)
      return recorded
    },
  )

  app.get(
    '/api/persons/:id/timeline',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'A person’s events and where they lived when / Dòng thời gian của một người',
        description: 'Events in effective order (revoked ones marked with the revocation), and the stays they derive.',
        params: z.object({ id: Id }),
        response: { 200: z.object({ events: z.array(Event), stays: z.array(Stay) }), ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'person.timeline.read',
        async (client) => {
          if (!(await register.getPerson(client, provinceCode(), request.params.id, scopeOf(request)))) {
            throw notFound({ vi: 'người này trong sổ', en: 'Person' })
          }
          return { result: await events.timeline(client, provinceCode(), request.params.id) }
        },
        { person_id: request.params.id },
      ),
  )

  app.get(
    '/api/households/:id/history',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Who lived in a household when / Lịch sử hộ',
        description: 'Every stay in the household, its events; with `on`, the members on that day.',
        params: z.object({ id: Id }),
        querystring: z.object({ on: Day.optional() }),
        response: {
          200: z.object({ stays: z.array(HouseholdStay), events: z.array(Event), members_on: z.array(HouseholdStay).nullable() }),
          ...errors,
        },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'household.history.read',
        async (client) => {
          if (!(await register.getHousehold(client, provinceCode(), request.params.id, scopeOf(request)))) {
            throw notFound({ vi: 'hộ này', en: 'Household' })
          }
          return { result: await events.householdHistory(client, provinceCode(), request.params.id, request.query.on) }
        },
        { target: `household:${request.params.id}` },
      ),
  )

  app.get(
    '/api/population',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Population of each unit on a day / Dân số theo đơn vị tại một ngày',
        description:
          'Each living person counts once, where they lived on that day. Units are today’s (era 2025) unless `era` says 2024; a day ' +
          'before the reform counts the people then living in the area that is now the unit. Households of a split commune not yet ' +
          'placed by an officer are on a `split:OLDCODE` line. With `unit`, that unit alone with where its count came from. Commune users see their units’ lines.',
        querystring: z.object({
          on: Day.optional(),
          era: EraParam.optional(),
          unit: z
            .string()
            .regex(/^\d{5}$/)
            .optional(),
        }),
        response: { 200: z.union([UnitPopulation, Population]), ...errors },
      },
    },
    async (request) => {
      const on = request.query.on ?? today()
      const era = request.query.era ?? 2025
      const scope = scopeOf(request)
      if (request.query.unit) {
        if (!population.lineInScope(scope, request.query.unit, era)) throw notFound({ vi: 'đơn vị này', en: 'Unit' })
        return population.unitPopulation(db, request.query.unit, on, era)
      }
      const all = await population.population(db, on, era)
      return { ...all, lines: all.lines.filter((l) => population.lineInScope(scope, l.unit, era)) }
    },
  )

  app.get(
    '/api/reorganisation/queue',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Households of split communes to place / Hàng đợi xếp hộ của xã bị chia',
        description:
          'The old communes the 2025 reform split (within the caller’s units), their successors, and their households by hamlet.',
        response: { 200: z.object({ communes: z.array(SplitCommune) }), ...errors },
      },
    },
    async (request) => ({ communes: await population.splitQueue(db, scopeOf(request)) }),
  )

  app.post(
    '/api/reorganisation/placements',
    {
      config: { access: 'register.write' },
      schema: {
        tags,
        summary: 'Place households of a split commune in a new unit / Xếp hộ vào đơn vị mới',
        description:
          'Every household of the old commune in `hamlet` (or the listed `subjects`) goes to `unit_code`, one of the commune’s successors; ' +
          '`unit_code: null` takes the placements back.',
        body: z.object({
          old_code: z.string().regex(/^\d{5}$/),
          unit_code: z
            .string()
            .regex(/^\d{5}$/)
            .nullable(),
          hamlet: z.string().max(200).nullable().optional(),
          subjects: z.array(Id).max(5000).optional(),
        }),
        response: { 200: z.object({ placed: z.number() }), ...errors },
      },
    },
    async (request) => {
      const { subjects, ...what } = request.body
      const g = await gazetteer(db.kysely)
      return audited(
        db,
        request.actor,
        'reorganisation.place',
        async (client) => {
          const placed = await population.placeSplit(g, client, actorOf(request), request.body)
          return { result: { placed }, details: { placed } }
        },
        { target: `unit:${what.old_code}`, details: { ...what, subjects: subjects?.length ?? null } },
      )
    },
  )

  app.get(
    '/api/reorganisation/reconciliation',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Counts before and after the 2025 reform / Đối chiếu trước và sau sắp xếp',
        querystring: z.object({ on: Day.optional() }),
        response: { 200: Reconciliation, ...errors },
      },
    },
    async (request) => population.scopedReconciliation(await population.reconcile(db, request.query.on ?? today()), scopeOf(request)),
  )

  app.get(
    '/api/freshness',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'How current each commune’s records are (sống) / Độ cập nhật theo xã',
        querystring: z.object({ on: Day.optional() }),
        response: { 200: z.object({ items: z.array(Freshness) }), ...errors },
      },
    },
    async (request) => ({
      items: (await population.freshness(db, request.query.on ?? today())).filter((f) =>
        population.lineInScope(scopeOf(request), f.unit, 2025),
      ),
    }),
  )
}
