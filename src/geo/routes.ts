// geo's HTTP routes. Reference units are public; writes are for administrators.
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { auditWrite } from '../access/service.ts'
import { parseCsv } from '../platform/csv.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import * as s from './schema.ts'
import * as geo from './service.ts'

const tags = ['geo']
const errors = { 400: ErrorBody, 404: ErrorBody }

export const geoRoutes: RouteModule = (app, { db }) => {
  const k = db.kysely

  app.get(
    '/api/units',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'List or search units / Danh sách đơn vị hành chính',
        description: 'Units in force on `on` (or in `era`, default today). `q` matches names ignoring case, diacritics and tone placement.',
        querystring: s.WhenQuery.extend({ parent: s.UnitCode.optional(), level: s.Level.optional(), q: z.string().max(200).optional() }),
        response: { 200: z.object({ items: z.array(s.Unit), total: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const items = await geo.listUnits(k, request.query)
      return { items, total: items.length }
    },
  )

  app.get(
    '/api/units/:code',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A unit by code and date / Đơn vị theo mã và ngày',
        description: 'The same code means different units before and after 2025-07-01: without `on` or `era`, the unit in force today.',
        params: z.object({ code: s.UnitCode }),
        querystring: s.WhenQuery,
        response: { 200: s.Unit, ...errors },
      },
    },
    async (request) => geo.getUnit(k, request.params.code, request.query),
  )

  app.get(
    '/api/units/:code/history',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Every period a code was used in / Lịch sử một mã đơn vị',
        params: z.object({ code: s.UnitCode }),
        response: { 200: z.object({ items: z.array(s.Unit) }), ...errors },
      },
    },
    async (request) => ({ items: await geo.unitHistory(k, request.params.code) }),
  )

  app.get(
    '/api/units/:code/successors',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Units in force today that an old unit became / Đơn vị kế tiếp',
        description: 'Without `on` or `era`, the code means its last ended period. Split communes list every part, marked `part`.',
        params: z.object({ code: s.UnitCode }),
        querystring: s.WhenQuery,
        response: { 200: z.array(s.Successor), ...errors },
      },
    },
    async (request) => geo.successors(k, request.params.code, request.query),
  )

  app.put(
    '/api/units/:code/successors',
    {
      config: { access: 'units.write' },
      schema: {
        tags,
        summary: 'Set the successor the law did not name (admin) / Đặt đơn vị kế tiếp',
        params: z.object({ code: s.UnitCode }),
        querystring: s.WhenQuery,
        body: z.object({ code: s.UnitCode, portion: z.enum(['whole', 'part']).default('whole') }),
        response: { 200: z.array(s.Successor), ...errors, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const result = await geo.setSuccessor(k, request.params.code, request.body.code, request.body.portion, request.query)
      await auditWrite(db, request.actor, 'unit.successor', `unit:${request.params.code}`, request.body)
      return result
    },
  )

  app.get(
    '/api/addresses/resolve',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Free-text address to units / Nhận dạng địa chỉ',
        description: 'Abbreviations P./X./TT./TP./TX./H. are understood. Candidates come from both eras, best first, with a confidence.',
        querystring: z.object({ text: z.string().min(1).max(500), on: s.DateParam.optional() }),
        response: { 200: s.Resolution, ...errors },
      },
    },
    async (request) => geo.resolveAddress(k, request.query.text, request.query.on),
  )

  app.get(
    '/api/units/:code/hamlets',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Hamlets of a commune / Thôn, tổ của xã',
        params: z.object({ code: s.UnitCode }),
        querystring: s.WhenQuery,
        response: { 200: z.object({ items: z.array(s.Hamlet) }), ...errors },
      },
    },
    async (request) => ({ items: await geo.listHamlets(k, request.params.code, request.query) }),
  )

  app.post(
    '/api/units/:code/hamlets',
    {
      config: { access: 'units.write' },
      schema: {
        tags,
        summary: 'Add hamlets to a commune (admin) / Thêm thôn, tổ',
        params: z.object({ code: s.UnitCode }),
        querystring: s.WhenQuery,
        body: z.object({ names: z.array(z.string().min(1).max(200)).min(1).max(1000), kind: z.string().max(20).optional() }),
        response: { 201: s.HamletsAdded, ...errors, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const { names, kind } = request.body
      const result = await geo.addHamlets(
        k,
        request.params.code,
        names.map((name) => ({ name, kind })),
        request.query,
      )
      await auditWrite(db, request.actor, 'unit.hamlets', `unit:${request.params.code}`, { names: names.length })
      return reply.code(201).send(result)
    },
  )

  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>()
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body))
    scope.post(
      '/api/hamlets/import',
      {
        config: { access: 'units.write' },
        schema: {
          tags,
          summary: 'Import hamlets from CSV (admin) / Nhập danh sách thôn, tổ',
          description: 'Body: `text/csv` with columns `unit_code,name[,kind]`. Rows naming no commune in force are reported, not lost.',
          querystring: s.WhenQuery,
          response: { 200: s.HamletImportReport, ...errors, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (request) => geo.importHamlets(k, parseCsv(String(request.body ?? '')), request.query),
    )
  })
}
