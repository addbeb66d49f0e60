// register's HTTP routes. Every read is scoped to the caller's units in SQL (a person outside
// them is a 404, as if absent), masked where the role may not see sensitive fields, and
// audited in its own transaction.
import { z } from 'zod'
import { scopeOf, seesSensitive } from '../access/guard.ts'
import { maskSensitive } from '../access/roles.ts'
import { audited } from '../access/service.ts'
import * as population from '../events/population.ts'
import * as geo from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import { notFound } from '../platform/errors.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import * as register from './service.ts'

const tags = ['register']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const Id = z.string().uuid()

const PersonSummary = z
  .object({
    id: z.string(),
    name_display: z.string(),
    birth_date: z.string().nullable().meta({ description: 'ISO, with its precision: 1950, 1950-03 or 1950-03-07' }),
    birth_precision: z.string().nullable(),
    sex: z.string().nullable(),
    personal_id: z.string().nullable(),
    phone: z.string().nullable(),
  })
  .meta({ id: 'PersonSummary' })

export const registerRoutes: RouteModule = (app, { db }) => {
  app.get(
    '/api/persons',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Search persons / Tìm người',
        description:
          'By name ignoring case, diacritics and tone placement (one word: given name; more: family name first, given name last), ' +
          'birth year, unit where the person lives as last recorded (today’s unit includes the old units mapped into it), personal ID or phone. ' +
          'Only persons within the caller’s units. Sorted by name, then id; `next` is the cursor of the next page.',
        querystring: z.object({
          q: z.string().max(200).optional(),
          birth_year: z.coerce.number().int().min(1850).max(2200).optional(),
          unit: z
            .string()
            .regex(/^\d{5}$/)
            .optional(),
          personal_id: z.string().max(20).optional(),
          phone: z.string().max(20).optional(),
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(PersonSummary), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { unit, ...search } = request.query
      const units = unit ? await geo.unitWithPredecessors(db.kysely, unit) : undefined
      return audited(
        db,
        request.actor,
        'person.search',
        async (client) => {
          const page = await register.searchPersons(client, provinceCode(), { ...search, units, scope: scopeOf(request) })
          return { result: page, details: { results: page.items.length } }
        },
        { details: { query: request.query } },
      )
    },
  )

  app.get(
    '/api/persons/:id',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'A person with residences, households, relationships and forms / Hồ sơ một người',
        description: 'Ethnicity and religion are masked (***) unless the role may see sensitive data. Every read is logged.',
        params: z.object({ id: Id }),
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'person.read',
        async (client) => {
          const person = await register.getPerson(client, provinceCode(), request.params.id, scopeOf(request))
          if (!person) throw notFound({ vi: 'người này trong sổ', en: 'Person' })
          return { result: seesSensitive(request) ? person : maskSensitive(person) }
        },
        { person_id: request.params.id },
      ),
  )

  app.get(
    '/api/overview',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Persons and households per unit of today / Tổng hợp theo đơn vị',
        description:
          'Persons living today and households; old-era units are counted in the unit they became; people and households of a split commune not yet placed by an officer are on a `split:OLDCODE` line. Only the caller’s units.',
        response: {
          200: z.object({ items: z.array(z.object({ unit: z.string(), persons: z.number(), households: z.number() })) }),
          ...errors,
        },
      },
    },
    async (request) => ({ items: await population.overview(db, scopeOf(request)) }),
  )

  app.get(
    '/api/households',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'Households / Hộ gia đình',
        querystring: z.object({
          unit: z
            .string()
            .regex(/^\d{5}$/)
            .optional(),
          era: z.coerce.number().int().optional(),
          household_no: z.string().max(50).optional(),
          after: Id.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { unit, era, household_no, after, limit } = request.query
      return audited(
        db,
        request.actor,
        'household.search',
        async (client) => {
          const rows = (await register.listHouseholds(
            client,
            provinceCode(),
            { unit, era, no: household_no, after, limit: limit + 1 },
            scopeOf(request),
          )) as { id: string }[]
          const items = rows.slice(0, limit)
          return { result: { items, next: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null } }
        },
        { details: { query: request.query } },
      )
    },
  )

  app.get(
    '/api/households/:id',
    {
      config: { access: 'register.read' },
      schema: {
        tags,
        summary: 'A household and its members / Một hộ và các thành viên',
        params: z.object({ id: Id }),
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'household.read',
        async (client) => {
          const household = await register.getHousehold(client, provinceCode(), request.params.id, scopeOf(request))
          if (!household) throw notFound({ vi: 'hộ này', en: 'Household' })
          return { result: household }
        },
        { target: `household:${request.params.id}` },
      ),
  )
}
