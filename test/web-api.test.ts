// The web app's calls checked against the OpenAPI document: every api(METHOD, '/api/…') in
// web/src names a route and method the server documents, so the two cannot drift apart.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { openCoso, routes } from '../src/app.ts'
import { createHttpApp } from '../src/platform/http.ts'
import { createLogger } from '../src/platform/log.ts'
import { embeddedDatabase, ROOT } from './helpers.ts'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
}

test('every API call of the web app is a documented route and method', async () => {
  const db = embeddedDatabase()
  const coso = await openCoso(db.target)
  try {
    const app = await createHttpApp({ db: coso, logger: createLogger('silent') }, routes())
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> }
    await app.close()
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{\w+\}/g, '{}')}`),
      ),
    )
    const calls: string[] = []
    for (const file of sources(join(ROOT, 'web', 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(
        /\bapi(?:<[^>]*>)?\(\s*'(GET|POST|PATCH|PUT|DELETE)',\s*[`'"](\/api\/[^`'"?]*)/g,
      )) {
        // A value standing for a path segment is {}; one glued to the end of the path is its query string.
        const path = (m[2] as string).replace(/\$\{[^}]+\}/g, '{}').replace(/([^/])\{\}$/, '$1')
        calls.push(`${m[1]} ${path}`)
      }
    }
    assert.ok(calls.length >= 8, `${calls.length} calls found`)
    assert.deepEqual(
      calls.filter((c) => !documented.has(c)),
      [],
    )
  } finally {
    await coso.close()
    await db.drop()
  }
})
