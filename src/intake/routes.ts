// intake's HTTP routes: single forms, file uploads run as jobs, their progress, reports and
// correction files. Forms are scoped to the caller's units by their collecting unit; a user of
// commune units sees the imports they started; reads and writes are audited.
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import multipart from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { scopeOf, seesSensitive } from '../access/guard.ts'
import { maskSensitive } from '../access/roles.ts'
import { audited, auditWrite } from '../access/service.ts'
import { checkArrival, possibleMatches } from '../dedup/incremental.ts'
import { provinceCode } from '../platform/config.ts'
import { AppError, notFound } from '../platform/errors.ts'
import { ErrorBody, type RouteModule } from '../platform/http.ts'
import { uuidv7 } from '../platform/ids.ts'
import { writeCorrections } from './corrections.ts'
import { DC01_COLUMNS } from './dc01.ts'
import { ENCODINGS, type Encoding } from './encoding.ts'
import { prepareBatch } from './import.ts'
import { IMPORT_QUEUE, type ImportJob } from './jobs.ts'
import * as q from './queries.ts'
import * as intake from './service.ts'

const tags = ['intake']
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const Id = z.string().uuid()

const Finding = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  field: z.string().nullable(),
  message: z.object({ vi: z.string(), en: z.string() }),
  details: z.record(z.string(), z.union([z.string(), z.number()])),
})

const FormInput = z
  .object(
    Object.fromEntries(
      DC01_COLUMNS.map((c) => [
        c.key,
        (c.required ? z.string().max(10_000) : z.string().max(10_000).optional()).meta({ description: c.label }),
      ]),
    ),
  )
  .catchall(z.string().max(10_000))
  .meta({
    id: 'Dc01Form',
    description: 'A DC01 form with the English keys of the interchange layout; unknown keys are kept with the form.',
  })

const Counts = z.object({
  accepted: z.number().int(),
  accepted_with_warnings: z.number().int(),
  needs_correction: z.number().int(),
  duplicate: z.number().int(),
  conflict: z.number().int(),
})

const Batch = z
  .object({
    id: z.string(),
    source: z.string(),
    format: z.string(),
    encoding: z.string().nullable(),
    status: z.string(),
    rows_done: z.number().int(),
    percent: z.number(),
    outcomes: Counts,
    rules: z.record(z.string(), z.number()),
    error: z.unknown(),
    created_at: z.unknown(),
    started_at: z.unknown(),
    finished_at: z.unknown(),
  })
  .meta({ id: 'ImportBatch' })

function presentBatch(b: q.BatchRow) {
  return {
    id: b.id,
    source: b.source,
    format: b.format,
    encoding: b.encoding,
    status: b.status,
    rows_done: b.rows_done,
    percent: b.status === 'done' ? 100 : b.file_size > 0 ? Math.min(99.9, Math.round((1000 * b.bytes_done) / b.file_size) / 10) : 0,
    outcomes: { accepted: 0, accepted_with_warnings: 0, needs_correction: 0, duplicate: 0, conflict: 0, ...b.outcomes },
    rules: b.rules,
    error: b.error,
    created_at: b.created_at,
    started_at: b.started_at,
    finished_at: b.finished_at,
  }
}

function presentForm(f: q.StoredForm, sensitive: boolean) {
  return { ...f, raw: sensitive ? f.raw : maskSensitive(f.raw), findings: intake.presentFindings(f.findings) }
}

/** A user of commune units sees the batches they started; province roles see all. */
const startedBy = (request: FastifyRequest) => (request.actor?.scope ? request.actor.name : null)

/** Where uploads wait for their job: beside an embedded database, else COSO_UPLOAD_DIR. */
function uploadDir(dataDir: string | undefined): string {
  const dir = process.env.COSO_UPLOAD_DIR ?? (dataDir ? join(dataDir, 'uploads') : join(tmpdir(), 'coso-uploads'))
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
}

export const intakeRoutes: RouteModule = async (app, { db, jobs }) => {
  app.post(
    '/api/forms',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'Submit one form / Nộp một phiếu DC01',
        description:
          'The same checks and decisions as a file row: accepted, accepted_with_warnings, needs_correction, duplicate (identical content: a no-op) or conflict. ' +
          'An accepted form is then checked against the register: the persons it may be join the dedup review queue at once.',
        body: FormInput,
        response: {
          200: z.object({
            outcome: z.enum(['accepted', 'accepted_with_warnings', 'needs_correction', 'duplicate', 'conflict']),
            form_id: z.string().nullable(),
            findings: z.array(Finding),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const pending = await intake.prepareForm(db, request.body as Record<string, string>, scopeOf(request))
      const result = await audited(db, request.actor, 'form.submit', async (client) => {
        const saved = await intake.submitForm(db, client, pending)
        return { result: saved, target: saved.form_id ? `form:${saved.form_id}` : null, details: { outcome: saved.outcome } }
      })
      // The form as it arrives: persons it may be join the review queue now, not at the next run.
      if (result.form_id && result.outcome.startsWith('accepted')) await checkArrival(db, pending, result.form_id)
      return result
    },
  )

  app.post(
    '/api/forms/check',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'Check a form without saving it / Kiểm tra phiếu (không lưu)',
        description:
          'The findings and completeness saving would give (the live checks of the entry form), and the persons of the register within the caller’s units that the form may describe, likeliest first, with the evidence field by field. Nothing is written.',
        body: FormInput.partial(),
        response: {
          200: z.object({
            findings: z.array(Finding),
            completeness: z.number(),
            missing: z.array(z.string()),
            matches: z.array(
              z.object({
                person_id: z.string(),
                name_display: z.string(),
                birth_year: z.number().nullable(),
                probability: z.number(),
                conflict: z.string().nullable(),
                evidence: z.array(z.object({ field: z.string(), level: z.string().nullable(), weight: z.number() })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const pending = await intake.prepareForm(db, request.body as Record<string, string>, scopeOf(request))
      const matches = await possibleMatches(db, pending, scopeOf(request))
      // Showing who the form may be is a read of those persons: logged, as every read.
      if (matches.length > 0)
        await audited(db, request.actor, 'dedup.matches.read', async () => ({
          result: null,
          target: 'form-check',
          details: { persons: matches.map((m) => m.person_id) },
        }))
      return { ...intake.checkOnly(pending), matches }
    },
  )

  app.get(
    '/api/forms',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'Forms with their findings / Danh sách phiếu',
        description: 'In the order received (id); `next` is the id to pass as `after` for the next page.',
        querystring: z.object({
          batch: Id.optional(),
          state: z.enum(['accepted', 'accepted_with_warnings', 'needs_correction', 'conflict', 'superseded', 'withdrawn']).optional(),
          unit: z
            .string()
            .regex(/^\d{5}$/)
            .optional(),
          person: Id.optional(),
          form_no: z.string().max(100).optional(),
          after: Id.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query
      return audited(
        db,
        request.actor,
        'form.search',
        async (client) => {
          const rows = await q.forms(client, provinceCode(), { ...filter, limit: limit + 1, scope: scopeOf(request) })
          const items = rows.slice(0, limit).map((f) => presentForm(f, seesSensitive(request)))
          return { result: { items, next: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null } }
        },
        { details: { query: request.query } },
      )
    },
  )

  app.get(
    '/api/forms/:id',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'One form / Một phiếu',
        params: z.object({ id: Id }),
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    async (request) => {
      return audited(
        db,
        request.actor,
        'form.read',
        async (client) => {
          const form = await q.form(client, provinceCode(), request.params.id, scopeOf(request))
          if (!form) throw notFound({ vi: 'phiếu này', en: 'Form' })
          return { result: presentForm(form, seesSensitive(request)), person_id: form.person_id }
        },
        { target: `form:${request.params.id}` },
      )
    },
  )

  app.get(
    '/api/completeness',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'Completeness per commune / Mức đủ theo xã',
        response: {
          200: z.object({
            items: z.array(z.object({ unit: z.string(), era: z.number(), forms: z.number(), average: z.number(), complete: z.number() })),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request)
      const items = await q.completenessByUnit(db.pool, provinceCode())
      return { items: scope ? items.filter((u) => scope.includes(`${u.unit}:${u.era}`)) : items }
    },
  )

  app.get(
    '/api/imports',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'Import batches, newest first / Các lô nhập',
        querystring: z.object({ before: Id.optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(Batch), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const rows = await q.batches(db.pool, provinceCode(), request.query.limit + 1, request.query.before, startedBy(request))
      const items = rows.slice(0, request.query.limit).map(presentBatch)
      return { items, next: rows.length > request.query.limit ? (items[items.length - 1]?.id ?? null) : null }
    },
  )

  app.get(
    '/api/imports/:id',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'An import: progress and report / Tiến độ và báo cáo',
        params: z.object({ id: Id }),
        response: { 200: Batch, ...errors },
      },
    },
    async (request) => presentBatch(await intake.getBatch(db, request.params.id, startedBy(request))),
  )

  app.delete(
    '/api/imports/:id',
    {
      config: { access: 'forms.write' },
      schema: {
        tags,
        summary: 'Withdraw a batch / Huỷ một lô nhập',
        description: 'Allowed while none of its persons has been edited or used by a later form.',
        params: z.object({ id: Id }),
        response: { 200: z.object({ forms: z.number(), persons: z.number() }), ...errors },
      },
    },
    async (request) =>
      audited(
        db,
        request.actor,
        'import.undo',
        async (client) => ({ result: await intake.undoBatch(client, request.params.id, startedBy(request)) }),
        { target: `batch:${request.params.id}` },
      ),
  )

  app.get(
    '/api/imports/:id/corrections',
    {
      config: { access: 'forms.read' },
      schema: {
        tags,
        summary: 'Correction file of a batch / Tệp sửa lỗi',
        description: 'The forms held for correction in the DC01 layout with their findings; fix and import again.',
        params: z.object({ id: Id }),
        querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }),
      },
    },
    async (request, reply) => {
      const batch = await intake.getBatch(db, request.params.id, startedBy(request))
      await auditWrite(db, request.actor, 'import.corrections', `batch:${batch.id}`, { format: request.query.format })
      const dir = uploadDir(db.target.engine === 'pglite' ? db.target.dataDir : undefined)
      const path = join(dir, `corrections-${uuidv7()}.${request.query.format}`)
      await writeCorrections(db, batch.id, path)
      const { createReadStream } = await import('node:fs')
      const stream = createReadStream(path)
      stream.on('close', () => rmSync(path, { force: true }))
      return reply
        .header(
          'content-type',
          request.query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header('content-disposition', `attachment; filename="corrections-${batch.id}.${request.query.format}"`)
        .send(stream)
    },
  )

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: Number(process.env.COSO_UPLOAD_LIMIT ?? 4 * 1024 ** 3), files: 1, fields: 5 } })
    scope.post(
      '/api/imports',
      {
        config: { access: 'forms.write' },
        schema: {
          tags,
          summary: 'Upload a DC01 file to import / Tải lên tệp DC01',
          description:
            'multipart/form-data with one `file` (CSV, XLSX or JSON Lines) and optionally `encoding`. The file streams to disk and is imported by a background job; poll `GET /api/imports/{id}`.',
          consumes: ['multipart/form-data'],
          response: { 202: Batch, ...errors },
        },
      },
      async (request, reply) => {
        if (!jobs) throw new AppError('JOBS_OFF', { vi: 'Máy chủ không chạy tác vụ nền.', en: 'This server runs no background jobs.' }, 503)
        const part = await request.file()
        if (!part) throw new AppError('BAD_INPUT', { vi: 'Thiếu tệp (trường "file").', en: 'No file (field "file").' }, 400)
        const field = part.fields.encoding as { value?: unknown } | undefined
        const encoding = typeof field?.value === 'string' && field.value ? (field.value as Encoding) : undefined
        if (encoding && !ENCODINGS.includes(encoding)) {
          throw new AppError('BAD_INPUT', { vi: `Bảng mã "${encoding}" không hỗ trợ.`, en: `Unsupported encoding "${encoding}".` }, 400, {
            allowed: ENCODINGS,
          })
        }
        const dir = uploadDir(db.target.engine === 'pglite' ? db.target.dataDir : undefined)
        const path = join(dir, `${uuidv7()}-${part.filename.replace(/[^\w.-]+/g, '_').slice(-80)}`)
        await pipeline(part.file, createWriteStream(path, { mode: 0o600 }))
        if (part.file.truncated) {
          rmSync(path, { force: true })
          throw new AppError('FILE_TOO_LARGE', { vi: 'Tệp quá lớn.', en: 'The file is too large.' }, 413)
        }
        let batch: q.BatchRow
        try {
          batch = await prepareBatch(db, path, {
            encoding,
            source: part.filename,
            upload: true,
            createdBy: request.actor?.name,
            scope: scopeOf(request),
          })
        } catch (error) {
          rmSync(path, { force: true })
          throw error
        }
        const job: ImportJob = { batch_id: batch.id, path, encoding }
        await (await jobs).send(IMPORT_QUEUE, job)
        await auditWrite(db, request.actor, 'import.upload', `batch:${batch.id}`, { file: part.filename })
        return reply.code(202).send(presentBatch(batch))
      },
    )
  })
}
