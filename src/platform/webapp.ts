// The web app (web/, React + Vite) served at / beside /api. It is built at install (`npm ci`
// runs `prepare`) and again by `coso serve` when the build is missing or older than its
// sources, so a server never shows a blank page or yesterday's pages.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { App } from './http.ts'
import type { Logger } from './log.ts'

export const WEB = fileURLToPath(new URL('../../web/', import.meta.url))
const DIST = join(WEB, 'dist')
const STAMP = join(DIST, 'coso-build.json')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [] : [join(dir, e.name)]))
    .sort()
}

/** A hash of everything the build is made from. */
export function sourceHash(): string {
  const hash = createHash('sha256')
  for (const file of [
    join(WEB, 'index.html'),
    join(WEB, 'vite.config.ts'),
    join(WEB, '..', 'package-lock.json'),
    ...files(join(WEB, 'src')),
  ]) {
    hash.update(file.slice(WEB.length)).update(readFileSync(file))
  }
  return hash.digest('hex')
}

export function buildIsCurrent(): boolean {
  if (!existsSync(STAMP)) return false
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).source === sourceHash()
  } catch {
    return false
  }
}

/** Builds web/dist with Vite (loaded only when a build is needed). */
export async function buildWeb(logger?: Logger): Promise<void> {
  const started = performance.now()
  logger?.info('building the web app')
  const { build } = await import('vite')
  // Built beside, then moved in: two servers starting at once must not mix their files.
  const out = `${DIST}.${process.pid}`
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } })
  writeFileSync(join(out, 'coso-build.json'), `${JSON.stringify({ source: sourceHash(), built_at: new Date().toISOString() })}\n`)
  if (!buildIsCurrent()) {
    rmSync(DIST, { recursive: true, force: true })
    try {
      renameSync(out, DIST)
    } catch {} // another process moved its build in first
  }
  rmSync(out, { recursive: true, force: true })
  logger?.info({ ms: Math.round(performance.now() - started) }, 'web app built')
}

/** Serves web/dist at / (building it first when needed); any other path not under /api is the app's. */
export async function serveWebApp(app: App, logger: Logger): Promise<void> {
  if (!buildIsCurrent()) await buildWeb(logger)
  await app.register(fastifyStatic, {
    root: DIST,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    // File names under assets/ carry their content hash: cache them for good; the page itself never.
    setHeaders: (res, path) =>
      res.setHeader('cache-control', path.includes(`${join(DIST, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  })
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url === '/api') return reply.callNotFound()
    return reply.header('cache-control', 'no-cache').sendFile('index.html')
  })
}
