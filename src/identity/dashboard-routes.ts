// identity: the dashboard of a commune or of the province — applications per day, the backlog by
// state and unit, the median time per stage, the share within the deadline. Aggregates only, so
// not audited as a personal read; commune users see their own units.
import { z } from 'zod'
import { scopeOf } from '../access/guard.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { backlogNow, DEFAULT_DAYS, dashboard, MAX_DAYS } from './dashboard.ts'
import { BACKLOG_STATES } from './dashboard-queries.ts'

const tags = ['identity']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const Name = z.object({ vi: z.string(), en: z.string() })
const StateName = z.enum(BACKLOG_STATES)
const Unit = z
  .string()
  .regex(/^\d{5}$/)
  .optional()
  .meta({ description: 'a commune of the 2025 map; default the whole province (a commune user: their units)' })
const Day = (what: string) =>
  z
    .string()
    .optional()
    .meta({ description: `${what}, YYYY-MM-DD` })

const Backlog = z
  .object({
    total: z.number(),
    states: z.array(z.object({ state: StateName, name: Name, count: z.number() })).meta({
      description: 'every open state, in the order of the way forward, zeros included',
    }),
    by_unit: z
      .array(
        z.object({
          unit: z.string(),
          name: z.string().nullable(),
          total: z.number(),
          counts: z.record(StateName, z.number()),
        }),
      )
      .nullable()
      .meta({ description: 'each unit of the view, the largest backlog first; null when one unit is asked for' }),
  })
  .meta({ id: 'IdBacklog' })

const View = {
  today: z.string(),
  unit: z.string().nullable().meta({ description: 'the unit asked for' }),
  units: z.array(z.string()).nullable().meta({ description: 'the units counted; null: the whole province' }),
}

const Dashboard = z
  .object({
    from: z.string(),
    to: z.string(),
    ...View,
    per_day: z
      .object({
        days: z.array(z.string()),
        received: z.array(z.number()),
        handed_over: z.array(z.number()),
        received_total: z.number(),
        handed_over_total: z.number(),
      })
      .meta({ description: 'one entry per day of the period in each series, zeros included (a chart’s category axis and its series)' }),
    backlog: Backlog,
    stages: z
      .array(z.object({ state: StateName, name: Name, median_hours: z.number().nullable(), steps: z.number() }))
      .meta({ description: 'of the steps taken in the period, the median time spent in the state each left' }),
    deadline: z
      .object({
        arrived: z.number().meta({ description: 'cards arrived at the commune in the period' }),
        within: z.number().meta({ description: 'of them, arrived on or before their due day' }),
        share: z.number().nullable().meta({ description: 'within / arrived, 0–1; null when none arrived' }),
        overdue: z.number().meta({ description: 'now: applications still owed a card, past their due day' }),
        provisional: z.number().meta({ description: 'now: applications still owed a card whose due day is estimated' }),
      })
      .meta({ description: 'the deadline: 7 working days from a complete file to the card at the commune' }),
  })
  .meta({ id: 'IdDashboard' })

export const dashboardRoutes: RouteModule = (app, { db }) => {
  app.get(
    '/api/id/dashboard',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Identity-card dashboard / Bảng theo dõi cấp thẻ căn cước',
        description:
          `Applications received and cards handed over per day from \`from\` to \`to\` (default the last ${DEFAULT_DAYS} days, at most ${MAX_DAYS}), ` +
          'the backlog now by state (and by unit), the median hours per stage over the period, the share of cards at the commune ' +
          'within the deadline, and the overdue and provisional deadlines now. A province user sees the province or one commune; ' +
          'a commune user their units, together or one of them (another unit is not found). Days are Vietnam’s.',
        querystring: z.object({ unit: Unit, from: Day('first day'), to: Day('last day, default today') }),
        response: { 200: Dashboard, ...errors },
      },
    },
    async (request) => dashboard(db, scopeOf(request), request.query),
  )

  app.get(
    '/api/id/dashboard/backlog',
    {
      config: { access: 'cards.read' },
      schema: {
        tags,
        summary: 'Identity-card backlog now / Hồ sơ đang xử lý',
        description: 'The open applications now by state, and by unit unless one unit is asked for; scoped as the dashboard.',
        querystring: z.object({ unit: Unit }),
        response: { 200: z.object({ ...View, backlog: Backlog }).meta({ id: 'IdBacklogNow' }), ...errors },
      },
    },
    async (request) => backlogNow(db, scopeOf(request), request.query.unit),
  )
}
