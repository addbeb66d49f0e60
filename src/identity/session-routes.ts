// identity's HTTP routes for mobile sessions ("hết người mới hết giờ"): a session at a place on a
// day, its officers' shifts, its queue (a ticket per person in arrival order, called, served with
// the application received for them, or left), and what each officer did per hour. Writes need
// cards.manage, reads cards.read; commune users reach their units' sessions only; all audited.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, audited } from '../access/service.ts'
import { isIsoDate } from '../geo/eras.ts'
import { unitIndex } from '../geo/service.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { APPLICATION_KINDS } from './applications.ts'
import { Application } from './routes.ts'
import { receiveContext } from './service.ts'
import * as sessions from './session.ts'

const tags = ['identity']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const Id = z.string().uuid()
const Day = z.string().refine(isIsoDate, 'YYYY-MM-DD')
const Moment = z.iso.datetime({ offset: true })
const Text = z.string().max(500)
const SessionParams = z.object({ id: Id })
const TicketParams = z.object({ id: Id, ticket: z.coerce.number().int().min(1) })

const Counts = z.object({
  waiting: z.number().meta({ description: 'waiting, not yet called' }),
  called: z.number().meta({ description: 'called to a desk, not yet served' }),
  served: z.number(),
  left: z.number(),
  applications: z.number().meta({ description: 'applications received in the session' }),
})

const SessionFields = {
  id: z.string(),
  unit_code: z.string(),
  unit_name: z.string().nullable(),
  era: z.number(),
  place: z.string(),
  held_on: z.string(),
  status: z.enum(['open', 'closed']),
  note: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
  closed_at: z.string().nullable(),
  closed_by: z.string().nullable(),
  close_reason: z.string().nullable().meta({ description: 'why it was closed with people still waiting' }),
}

const Shift = z
  .object({
    seq: z.number(),
    officer: z.string(),
    starts_at: z.string(),
    ends_at: z.string().nullable(),
    running: z.boolean(),
    hours: z.number().meta({ description: 'hours worked (until now while running)' }),
  })
  .meta({ id: 'IdSessionShift' })

const Estimate = z
  .object({
    remaining: z.number(),
    officers_on_shift: z.number(),
    served_per_officer_hour: z.number(),
    minutes: z.number(),
    finish_at: z.string().meta({ description: 'when the last one in the queue should be served at this pace' }),
  })
  .nullable()
  .meta({ description: 'null without a pace yet (nobody served, under a quarter of an officer-hour) or nobody on shift' })

const Session = z
  .object({
    ...SessionFields,
    summary: Counts.extend({
      median_wait_minutes: z.number().nullable().meta({ description: 'arrival to being called, of those served' }),
      longest_waiting_minutes: z.number().nullable(),
      officers_on_shift: z.number(),
      estimate: Estimate,
    }),
    shifts: z.array(Shift),
  })
  .meta({ id: 'IdSession' })

const SessionItem = z.object({ ...SessionFields, counts: Counts }).meta({ id: 'IdSessionItem' })

const Ticket = z
  .object({
    ticket: z.number().meta({ description: 'the number, in arrival order' }),
    person_id: z.string().nullable(),
    name: z.string(),
    status: z.enum(['waiting', 'served', 'left']),
    arrived_at: z.string(),
    called_at: z.string().nullable(),
    called_by: z.string().nullable(),
    done_at: z.string().nullable(),
    done_by: z.string().nullable(),
    application_id: z.string().nullable(),
    application_no: z.number().nullable().meta({ description: 'the slip number (CC02) of the application received' }),
    position: z.number().nullable().meta({ description: 'place among those not yet called (1: next)' }),
    wait_minutes: z.number().meta({ description: 'arrival to call (to now while waiting)' }),
  })
  .meta({ id: 'IdSessionTicket' })

const Hour = {
  start: z.string().meta({ description: 'the hour, Vietnam time: 2026-11-27T08:00+07:00' }),
  received: z.number(),
  biometrics: z.number(),
  shift_minutes: z.number(),
}
const Rates = z.object({ received: z.number(), biometrics: z.number() }).nullable()
const Throughput = z
  .object({
    session_id: z.string(),
    held_on: z.string(),
    status: z.enum(['open', 'closed']),
    until: z.string().meta({ description: 'running shifts count until here: now, or the close' }),
    hours: z.array(z.object({ ...Hour, officers: z.number().meta({ description: 'officers on shift in the hour' }) })),
    officers: z.array(
      z.object({
        officer: z.string(),
        received: z.number(),
        biometrics: z.number(),
        shift_hours: z.number(),
        per_shift_hour: Rates,
        hours: z.array(z.object(Hour)).meta({ description: 'aligned with the session’s hours' }),
      }),
    ),
    totals: z.object({
      received: z.number(),
      biometrics: z.number(),
      shift_hours: z.number(),
      per_shift_hour: Rates,
      officers: z.number(),
    }),
  })
  .meta({ id: 'IdSessionThroughput' })

export const sessionRoutes: RouteModule = (app, { db }) => {
  const actorOf = (request: { actor: Actor | null }) => request.actor as Actor
  const context = async (request: Parameters<typeof scopeOf>[0]): Promise<sessions.SessionContext> => ({
    scope: scopeOf(request),
    index: await unitIndex(db.kysely),
  })
  const target = (id: string) => `session:${id}`

  app.post(
    '/api/id/sessions',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Open a mobile session / Mở đợt cấp căn cước lưu động',
        description: 'A session at a place (a cultural house, a school) on a day, for a commune of the 2025 map in the caller’s units.',
        body: z.object({
          unit_code: z.string().max(10),
          place: z.string().trim().min(1).max(200),
          held_on: Day,
          note: Text.nullish(),
        }),
        response: { 201: z.object({ session: Session }), ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await context(request)
      const session = await audited(
        db,
        request.actor,
        'id.session.create',
        async (client) => {
          const s = await sessions.createSession(client, actorOf(request), request.body, ctx)
          return { result: s, target: target(s.id), details: { unit: s.unit_code, held_on: s.held_on } }
        },
        { details: { unit: request.body.unit_code } },
      )
      reply.code(201)
      return { session }
    },
  )

  app.get(
    '/api/id/sessions',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Mobile sessions, the latest first / Danh sách đợt cấp lưu động',
        description: 'By unit, a range of days (from, to inclusive) and status, each with its queue’s counts. Pages by the `next` cursor.',
        querystring: z.object({
          unit: z.string().max(10).optional(),
          from: Day.optional(),
          to: Day.optional(),
          status: z.enum(['open', 'closed']).optional(),
          after: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(SessionItem), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      return audited(db, request.actor, 'id.session.search', async (client) => ({
        result: await sessions.listSessions(client, request.query, ctx),
        details: { unit: request.query.unit ?? null },
      }))
    },
  )

  app.get(
    '/api/id/sessions/:id',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'A mobile session: its queue’s summary and shifts / Một đợt cấp lưu động',
        description:
          'The counts of the queue, the median wait of those served, the officers on shift and an estimate of when the last one ' +
          'waiting is served at the pace so far.',
        params: SessionParams,
        response: { 200: z.object({ session: Session }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const session = await audited(
        db,
        request.actor,
        'id.session.read',
        async (client) => ({ result: await sessions.readSession(client, request.params.id, ctx) }),
        { target: target(request.params.id) },
      )
      return { session }
    },
  )

  app.post(
    '/api/id/sessions/:id/close',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Close a mobile session / Đóng đợt cấp lưu động',
        description:
          '"Hết người mới hết giờ": refused (422, rule people-waiting) while anyone waits, unless `force` with a `reason` — those ' +
          'waiting are then marked left. Shifts still running end now.',
        params: SessionParams,
        body: z.object({ force: z.boolean().optional(), reason: Text.nullish() }),
        response: { 200: z.object({ session: Session, left: z.number(), shifts_ended: z.number() }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      return audited(
        db,
        request.actor,
        'id.session.close',
        async (client) => {
          const r = await sessions.closeSession(client, actorOf(request), request.params.id, request.body, ctx)
          return { result: r, details: { left: r.left, force: request.body.force === true } }
        },
        { target: target(request.params.id) },
      )
    },
  )

  app.post(
    '/api/id/sessions/:id/reopen',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Reopen a closed mobile session / Mở lại đợt cấp lưu động',
        description: 'For a session closed by mistake or people come back; those marked left stay left (queue them again).',
        params: SessionParams,
        response: { 200: z.object({ session: Session }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const session = await audited(
        db,
        request.actor,
        'id.session.reopen',
        async (client) => ({ result: await sessions.reopenSession(client, request.params.id, ctx) }),
        { target: target(request.params.id) },
      )
      return { session }
    },
  )

  app.post(
    '/api/id/sessions/:id/shifts',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Start a shift / Bắt đầu ca làm việc',
        description:
          'For an officer (a user who may receive applications in the session’s unit; default the caller), from `starts_at` (default ' +
          'now, not before the session’s day). With `ends_at`, a shift already worked. Two shifts of one officer may not overlap, in ' +
          'any session (400, rule overlap).',
        params: SessionParams,
        body: z.object({ officer: z.string().max(100).optional(), starts_at: Moment.optional(), ends_at: Moment.optional() }),
        response: { 201: z.object({ shift: Shift }), ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await context(request)
      const shift = await audited(
        db,
        request.actor,
        'id.session.shift.start',
        async (client) => {
          const s = await sessions.startShift(client, actorOf(request), request.params.id, request.body, ctx)
          return { result: s, details: { officer: s.officer, seq: s.seq } }
        },
        { target: target(request.params.id) },
      )
      reply.code(201)
      return { shift }
    },
  )

  app.post(
    '/api/id/sessions/:id/shifts/:seq/end',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'End a shift / Kết thúc ca làm việc',
        params: z.object({ id: Id, seq: z.coerce.number().int().min(1) }),
        body: z.object({ ends_at: Moment.optional() }).optional(),
        response: { 200: z.object({ shift: Shift }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const shift = await audited(
        db,
        request.actor,
        'id.session.shift.end',
        async (client) => {
          const s = await sessions.endShift(client, request.params.id, request.params.seq, request.body ?? {}, ctx)
          return { result: s, details: { officer: s.officer, seq: s.seq } }
        },
        { target: target(request.params.id) },
      )
      return { shift }
    },
  )

  app.get(
    '/api/id/sessions/:id/tickets',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'The queue / Hàng chờ',
        description: 'Every ticket in arrival order (or those of one status), with its place among those not yet called.',
        params: SessionParams,
        querystring: z.object({ status: z.enum(['waiting', 'served', 'left']).optional() }),
        response: { 200: z.object({ items: z.array(Ticket) }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      return audited(
        db,
        request.actor,
        'id.session.ticket.search',
        async (client) => ({ result: await sessions.listTickets(client, request.params.id, request.query.status, ctx) }),
        { target: target(request.params.id) },
      )
    },
  )

  app.post(
    '/api/id/sessions/:id/tickets',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Add a person to the queue / Cấp số thứ tự',
        description:
          'The next number in arrival order. A person of the register by `person_id` (their name from the register; refused while ' +
          'they already wait), or a `name` alone for someone not yet found.',
        params: SessionParams,
        body: z.object({ person_id: Id.nullish(), name: z.string().max(200).nullish() }),
        response: { 201: z.object({ ticket: Ticket }), ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await context(request)
      const ticket = await audited(
        db,
        request.actor,
        'id.session.ticket.add',
        async (client) => {
          const t = await sessions.addTicket(client, request.params.id, request.body, ctx)
          return { result: t, person_id: t.person_id, details: { ticket: t.ticket } }
        },
        { target: target(request.params.id), person_id: request.body.person_id ?? null },
      )
      reply.code(201)
      return { ticket }
    },
  )

  app.post(
    '/api/id/sessions/:id/tickets/next',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Call the next one / Gọi số tiếp theo',
        description: 'The first ticket waiting and not yet called is called to the caller’s desk; `ticket` null when nobody waits.',
        params: SessionParams,
        response: { 200: z.object({ ticket: Ticket.nullable() }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const ticket = await audited(
        db,
        request.actor,
        'id.session.ticket.call',
        async (client) => {
          const t = await sessions.callNext(client, actorOf(request), request.params.id, ctx)
          return { result: t, person_id: t?.person_id ?? null, details: { ticket: t?.ticket ?? null } }
        },
        { target: target(request.params.id) },
      )
      return { ticket }
    },
  )

  app.post(
    '/api/id/sessions/:id/tickets/:ticket/serve',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Mark a ticket served / Đánh dấu đã phục vụ',
        description: 'With the application received for the person in this session (POST /api/id/applications with its session_id).',
        params: TicketParams,
        body: z.object({ application_id: Id }),
        response: { 200: z.object({ ticket: Ticket }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const ticket = await audited(
        db,
        request.actor,
        'id.session.ticket.serve',
        async (client) => {
          const t = await sessions.serveTicket(
            client,
            actorOf(request),
            request.params.id,
            request.params.ticket,
            request.body.application_id,
            ctx,
          )
          return { result: t, person_id: t.person_id, details: { ticket: t.ticket } }
        },
        { target: target(request.params.id), details: { ticket: request.params.ticket } },
      )
      return { ticket }
    },
  )

  app.post(
    '/api/id/sessions/:id/tickets/:ticket/receive',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Receive the application and serve the ticket / Tiếp nhận hồ sơ cho số này',
        description:
          'In one call: the application received for the ticket’s person (or `person_id` for a ticket with a name only) in this ' +
          'session, with the rules by age as at the post (422 with the rule); with `capture`, their biometrics captured at the ' +
          'same desk; the ticket served. Nothing is written when the application is refused.',
        params: TicketParams,
        body: z.object({
          person_id: Id.nullish(),
          kind: z.enum(APPLICATION_KINDS),
          reason: Text.nullish(),
          capture: z.boolean().optional(),
        }),
        response: { 201: z.object({ ticket: Ticket, application: Application }), ...errors },
      },
    },
    async (request, reply) => {
      const ctx = { ...(await context(request)), receive: await receiveContext(db, scopeOf(request)) }
      const result = await audited(
        db,
        request.actor,
        'id.session.ticket.receive',
        async (client) => {
          const r = await sessions.receiveForTicket(client, actorOf(request), request.params.id, request.params.ticket, request.body, ctx)
          return {
            result: r,
            person_id: r.application.person_id,
            details: { ticket: r.ticket.ticket, application: r.application.id, kind: r.application.kind },
          }
        },
        { target: target(request.params.id), person_id: request.body.person_id ?? null, details: { ticket: request.params.ticket } },
      )
      reply.code(201)
      return result
    },
  )

  app.post(
    '/api/id/sessions/:id/tickets/:ticket/leave',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Mark a ticket left / Đánh dấu đã rời hàng chờ',
        params: TicketParams,
        response: { 200: z.object({ ticket: Ticket }), ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      const ticket = await audited(
        db,
        request.actor,
        'id.session.ticket.leave',
        async (client) => {
          const t = await sessions.leaveTicket(client, actorOf(request), request.params.id, request.params.ticket, ctx)
          return { result: t, person_id: t.person_id, details: { ticket: t.ticket } }
        },
        { target: target(request.params.id), details: { ticket: request.params.ticket } },
      )
      return { ticket }
    },
  )

  app.get(
    '/api/id/sessions/:id/throughput',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Throughput per officer per hour / Năng suất theo cán bộ, theo giờ',
        description:
          'Applications received and biometrics captured in the session, per officer and per hour (Vietnam time), beside the minutes ' +
          'each was on shift, and per hour worked; the session’s totals. Captures of the session’s applications taken at the post’s ' +
          'own route count from the session’s day to its close.',
        params: SessionParams,
        response: { 200: Throughput, ...errors },
      },
    },
    async (request) => {
      const ctx = await context(request)
      return audited(
        db,
        request.actor,
        'id.session.throughput.read',
        async (client) => ({ result: await sessions.sessionThroughput(client, request.params.id, ctx) }),
        { target: target(request.params.id) },
      )
    },
  )
}
