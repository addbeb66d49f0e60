// The HTTP app: Fastify with Zod schemas, OpenAPI, one error shape, request ids, and logs
// that never carry personal data. Modules add their routes through `RouteModule`s.
import { randomUUID } from 'node:crypto'
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from './db.ts'
import { AppError } from './errors.ts'
import { escapeMarkup } from './json.ts'
import type { Logger } from './log.ts'
import { appliedMigrations } from './migrate.ts'
import { VERSION } from './version.ts'

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>

export interface AppContext {
  db: Db
  logger: Logger
  /** Background jobs, when this process runs them (the server does, once it has started them). */
  jobs?: Promise<import('./jobs.ts').Jobs> | undefined
}

export type RouteModule = (app: App, ctx: AppContext) => void | Promise<void>

export const ErrorBody = z
  .object({
    code: z.string().meta({ example: 'NOT_FOUND' }),
    message: z.object({ vi: z.string(), en: z.string() }),
    details: z.unknown().optional(),
    request_id: z.string(),
  })
  .meta({ id: 'Error' })

/** COSO_TRUST_PROXY: unset (trust no proxy), `true`, a number of hops, or addresses/CIDRs. */
function trustProxy(value: string | undefined): boolean | number | string {
  if (!value) return false
  if (value === 'true') return true
  return /^\d+$/.test(value) ? Number(value) : value
}

export async function createHttpApp(ctx: AppContext, modules: RouteModule[]): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
    bodyLimit: 10 * 1024 * 1024,
    return503OnClosing: true,
    // Each member of the union is a value Fastify takes; its overloads do not take the union.
    trustProxy: trustProxy(process.env.COSO_TRUST_PROXY) as boolean,
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id)
    if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      return escapeMarkup(payload)
    }
    return payload
  })
  // By route pattern only: URLs and query strings can hold names and ID numbers.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    )
  })
  // PostgreSQL text cannot hold U+0000: refuse it up front rather than fail at the database.
  app.addHook('preValidation', async (request) => {
    if (
      request.url.includes('%00') ||
      (request.body && typeof request.body === 'object' && JSON.stringify(request.body).includes('\\u0000'))
    ) {
      throw new AppError(
        'BAD_INPUT',
        { vi: 'Dữ liệu chứa ký tự rỗng (U+0000).', en: 'The request contains a null character (U+0000).' },
        400,
      )
    }
  })
  app.setErrorHandler((error, request, reply) => sendError(error as FastifyError, request, reply))
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      code: 'ROUTE_NOT_FOUND',
      message: { vi: `Không có đường dẫn ${request.method} này.`, en: `No such route for ${request.method}.` },
      request_id: request.id,
    }),
  )

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        // A commune post may serve plain HTTP on its network: upgrading would break every asset.
        'upgrade-insecure-requests': null,
      },
    },
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'coso API',
        version: VERSION,
        description:
          'Hệ thống thông tin công an xã — Information system of the commune police. Errors share one shape: `code`, `message` (vi, en), `details`, `request_id`.',
      },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true })
  for (const register of modules) await register(app, ctx)
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger())

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Liveness and version / Tình trạng hệ thống',
        response: {
          200: z.object({
            status: z.literal('ok'),
            engine: z.enum(['pglite', 'postgresql']),
            version: z.string(),
            migrations: z.array(z.string()),
          }),
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      engine: ctx.db.engine,
      version: VERSION,
      migrations: (await appliedMigrations(ctx.db.pool)).map((m) => m.name),
    }),
  )

  return app
}

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const request_id = request.id
  if (error instanceof AppError) {
    const retry = (error.details as { retry_after?: number } | undefined)?.retry_after
    if (retry) reply.header('retry-after', String(retry))
    if (error.status >= 500) request.log.error({ code: error.code, err: error.message }, 'request failed')
    return reply.code(error.status).send({ code: error.code, message: error.text, details: error.details, request_id })
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((v) => ({
      field: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      rule: v.keyword,
      message: v.message,
    }))
    return reply.code(400).send({
      code: 'VALIDATION',
      message: {
        vi: `Dữ liệu gửi lên không hợp lệ: ${details.map((d) => d.field).join(', ')}.`,
        en: `Invalid request: ${details.map((d) => d.field).join(', ')}.`,
      },
      details,
      request_id,
    })
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500
  if (status < 500) {
    return reply.code(status).send({
      code: error.code ?? 'BAD_REQUEST',
      message: { vi: `Yêu cầu không hợp lệ (${error.code ?? status}).`, en: error.message },
      request_id,
    })
  }
  // The message only: driver errors carry row values in `detail`, which may be personal data.
  request.log.error({ err: { message: error.message, code: error.code } }, 'request failed')
  return reply.code(500).send({
    code: 'INTERNAL',
    message: { vi: 'Lỗi hệ thống. Hãy báo quản trị viên kèm mã yêu cầu.', en: 'Internal error. Report it with the request id.' },
    request_id,
  })
}
