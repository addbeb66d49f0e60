// identity's HTTP routes for applications: receiving, a step, one application with its steps,
// lists (by unit, state, session, person; overdue), and the appointment slip (CC02). Writes and
// reads of persons' applications are audited; commune users reach their units' applications only.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { type Actor, audited } from '../access/service.ts'
import { isIsoDate, today } from '../geo/eras.ts'
import { unitIndex } from '../geo/service.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { APPLICATION_KINDS, STATES } from './applications.ts'
import * as applications from './service.ts'

const tags = ['identity']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const Id = z.string().uuid()
const Day = z.string().refine(isIsoDate, 'YYYY-MM-DD')
const Text = z.string().max(500)

export const Application = z
  .object({
    id: z.string(),
    no: z.number().meta({ description: 'the slip number (CC02), said at the counter or scanned' }),
    person_id: z.string(),
    personal_id: z.string(),
    name_display: z.string(),
    birth_date: z.string().nullable(),
    kind: z.enum(APPLICATION_KINDS),
    reason: z.string().nullable(),
    state: z.enum(STATES),
    state_name: z.object({ vi: z.string(), en: z.string() }),
    biometrics: z.boolean().meta({ description: 'biometrics are taken (6 or older on the day of reception)' }),
    unit_code: z.string(),
    era: z.number(),
    session_id: z.string().nullable(),
    received_on: z.string(),
    received_by: z.string(),
    complete_on: z.string().nullable().meta({ description: 'the file complete: the deadline runs from this day' }),
    due_on: z.string().nullable().meta({ description: 'seven working days after complete_on: the card due at the commune' }),
    due_provisional: z.boolean().meta({ description: 'the due day counts days of a year whose days off are estimated' }),
    overdue: z.boolean(),
    state_at: z.string(),
    arrived_on: z.string().nullable(),
    handed_over_on: z.string().nullable(),
    receiver: z.string().nullable(),
    version: z.number(),
    next: z.array(z.enum(STATES)).meta({ description: 'the steps that may follow' }),
  })
  .meta({ id: 'Application' })
const Step = z.object({
  seq: z.number(),
  from_state: z.string().nullable(),
  to_state: z.string(),
  at: z.string(),
  officer: z.string(),
  reason: z.string().nullable(),
  receiver: z.string().nullable(),
  batch_id: z.string().nullable(),
  session_id: z.string().nullable(),
})
const ApplicationWithSteps = Application.extend({ steps: z.array(Step) }).meta({ id: 'ApplicationWithSteps' })

export const StepBody = z.object({
  to: z.enum(STATES),
  on: Day.optional().meta({ description: 'the day the step was taken; default today' }),
  reason: Text.nullish().meta({ description: 'for a return for correction or a cancellation' }),
  receiver: Text.nullish().meta({ description: 'who received the card, for a hand-over' }),
})

const Slip = z
  .object({
    no: z.number(),
    name_display: z.string(),
    birth_date: z.string().nullable(),
    personal_id: z.string(),
    kind: z.enum(APPLICATION_KINDS),
    received_on: z.string(),
    received_by: z.string(),
    unit_code: z.string(),
    unit_name: z.string(),
    province_name: z.string().nullable(),
    place: z.string().nullable().meta({ description: 'the mobile session’s place, null at the commune post' }),
    return_on: z.string().meta({ description: 'the day the card may be collected: the due day, or 7 working days from today' }),
    return_provisional: z.boolean(),
  })
  .meta({ id: 'Slip' })

export const identityRoutes: RouteModule = (app, { db }) => {
  const actorOf = (request: { actor: Actor | null }) => request.actor as Actor

  app.post(
    '/api/id/applications',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Receive an identity-card application / Tiếp nhận hồ sơ cấp thẻ căn cước',
        description:
          'First issue, renewal by age, reissue (lost, damaged) or change of information, at the commune post or a mobile session. ' +
          'The rules by age on the day of reception are checked (422 with the rule); under 6 no biometrics are taken and the file is ' +
          'complete at reception. A person has at most one open application.',
        body: z.object({
          person_id: Id,
          kind: z.enum(APPLICATION_KINDS),
          reason: Text.nullish(),
          received_on: Day.optional(),
          unit_code: z.string().max(10).optional().meta({ description: 'the receiving commune; default where the person lives' }),
          session_id: Id.nullish(),
        }),
        response: { 201: z.object({ application: Application }), ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await applications.receiveContext(db, scopeOf(request))
      const application = await audited(
        db,
        request.actor,
        'id.application.receive',
        async (client) => {
          const a = await applications.receiveIn(client, actorOf(request), request.body, ctx)
          return { result: a, target: `application:${a.id}`, details: { kind: a.kind, unit: a.unit_code } }
        },
        { person_id: request.body.person_id, details: { kind: request.body.kind } },
      )
      reply.code(201)
      return { application }
    },
  )

  app.post(
    '/api/id/applications/:id/steps',
    {
      config: { access: 'cards.manage' },
      schema: {
        tags,
        summary: 'Take a step of an application / Chuyển bước hồ sơ',
        description:
          'received → biometrics_captured (skipped under 6) → sent_for_production → produced → arrived → handed_over (with who received ' +
          'the card); returned_for_correction (with what to correct) and cancelled (with the reason). A step that may not follow is ' +
          'refused with 422 and the rule. Capturing biometrics completes the file: its due day is set from the working-day calendar.',
        params: z.object({ id: Id }),
        body: StepBody,
        response: { 200: z.object({ application: Application }), ...errors },
      },
    },
    async (request) => {
      const ctx = await applications.stepContext(db, scopeOf(request))
      const application = await audited(
        db,
        request.actor,
        'id.application.step',
        async (client) => {
          const a = await applications.stepIn(client, actorOf(request), request.params.id, request.body, ctx)
          return { result: a, person_id: a.person_id, details: { to: a.state } }
        },
        { target: `application:${request.params.id}`, details: { to: request.body.to } },
      )
      return { application }
    },
  )

  app.get(
    '/api/id/applications',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Applications, newest first; overdue lists / Danh sách hồ sơ, hồ sơ quá hạn',
        description:
          'Filter by unit, state, mobile session or person. `overdue=true`: applications whose card is still owed after its due day, ' +
          'most overdue first. Pages by the `next` cursor.',
        querystring: z.object({
          unit: z.string().max(10).optional(),
          state: z.enum(STATES).optional(),
          overdue: z.enum(['true', 'false']).optional(),
          session: Id.optional(),
          person: Id.optional(),
          after: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(Application), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) =>
      audited(db, request.actor, 'id.application.search', async (client) => ({
        result: await applications.listApplications(
          client,
          { ...request.query, overdue: request.query.overdue === 'true' },
          scopeOf(request),
        ),
        details: { unit: request.query.unit ?? null, overdue: request.query.overdue === 'true' },
      })),
  )

  app.get(
    '/api/id/applications/:id',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'An application and its steps / Một hồ sơ và các bước',
        params: z.object({ id: Id }),
        response: { 200: ApplicationWithSteps, ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'id.application.read',
        async (client) => {
          const a = await applications.getApplication(client, request.params.id, scopeOf(request))
          return { result: a, person_id: a.person_id }
        },
        { target: `application:${request.params.id}` },
      ),
  )

  app.get(
    '/api/id/applications/:id/slip',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'The appointment slip (CC02) / Giấy hẹn trả kết quả',
        description: 'What the slip printed at reception says: who applied, for what, and the day to collect the card.',
        params: z.object({ id: Id }),
        response: { 200: Slip, ...errors },
      },
    },
    async (request) => {
      const ctx = await applications.stepContext(db, scopeOf(request))
      const index = await unitIndex(db.kysely)
      return audited(
        db,
        request.actor,
        'id.application.slip.read',
        async (client) => {
          const a = await applications.getApplication(client, request.params.id, scopeOf(request))
          const slip = await applications.slipOf(client, a, ctx, index, today())
          return { result: slip, person_id: a.person_id }
        },
        { target: `application:${request.params.id}` },
      )
    },
  )
}
