// The web app on localhost with the production build, on PostgreSQL: initial JavaScript
// (gzipped), the search page interactive from a cold load (a logged-in user, empty cache), and
// search results end to end (Enter pressed → rows shown) in Chromium.
// Run: npm run bench:web [-- --persons 1400000] [-- --searches 40]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'
import { addUser, cliActor } from '../src/access/service.ts'
import { openCoso } from '../src/app.ts'
import { WEB } from '../src/platform/webapp.ts'
import { benchDatabase } from './database.ts'
import { fillRegister } from './register-fill.ts'
import { benchServer } from './serve.ts'

const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const PASSWORD = 'Bench-passphrase-2026'
const { values } = parseArgs({ options: { persons: { type: 'string', default: '1400000' }, searches: { type: 'string', default: '40' } } })

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0

const serve = (url: string) => benchServer([COSO, 'serve', '--port', '0', '--database-url', url])

const database = await benchDatabase()
const db = await openCoso({ engine: 'postgresql', url: database.url })
let stop = () => {}
try {
  const persons = Number(values.persons)
  const samples = await fillRegister(db, persons)
  await addUser(db, cliActor(), { username: 'bench.analyst', role: 'province-analyst', units: [], password: PASSWORD })
  await db.close()
  const server = await serve(database.url)
  stop = server.stop

  const html = readFileSync(join(WEB, 'dist', 'index.html'), 'utf8')
  const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] as string)
  const gzipped = initial.reduce((n, file) => n + gzipSync(readFileSync(join(WEB, 'dist', file))).length, 0)

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
  const loads: number[] = []
  let cookies: { name: string; value: string; url: string }[] = []
  {
    const context = await browser.newContext()
    const response = await context.request.post(`${server.url}/api/session`, { data: { username: 'bench.analyst', password: PASSWORD } })
    if (!response.ok()) throw new Error(`login failed: ${response.status()}`)
    cookies = (await context.cookies()).map((c) => ({ name: c.name, value: c.value, url: server.url }))
    await context.close()
  }
  for (let i = 0; i < 7; i++) {
    const context = await browser.newContext() // a new profile each time: nothing cached
    await context.addCookies(cookies)
    const page = await context.newPage()
    const start = performance.now()
    await page.goto(server.url)
    await page.getByLabel('Họ tên (không cần dấu)').waitFor()
    loads.push(performance.now() - start)
    await context.close()
  }
  const context = await browser.newContext()
  await context.addCookies(cookies)
  const page = await context.newPage()
  await page.goto(server.url)
  const searches: number[] = []
  for (let i = 0; i < Number(values.searches); i++) {
    const sample = samples[(i * 7) % samples.length] as (typeof samples)[number]
    const words = sample.q.split(' ')
    const q = i % 2 ? sample.q : `${words[0]} ${words[words.length - 1]}`
    await page.getByLabel('Họ tên (không cần dấu)').fill(q)
    const start = performance.now()
    await page.keyboard.press('Enter')
    await page.locator('table.results tbody tr').first().waitFor()
    await page.waitForFunction(`!document.body.innerText.includes('Đang tải')`)
    searches.push(performance.now() - start)
  }
  await browser.close()
  console.log(`${persons.toLocaleString('en')} persons on PostgreSQL; production build`)
  console.log(`initial JavaScript ${(gzipped / 1024).toFixed(0)} kB gzipped (goal < 300 kB)`)
  console.log(
    `search page interactive from a cold load: median ${pct(loads, 50).toFixed(0)} ms, worst ${Math.max(...loads).toFixed(0)} ms (goal < 1,500 ms)`,
  )
  console.log(`search results end to end: p50 ${pct(searches, 50).toFixed(0)} ms, p95 ${pct(searches, 95).toFixed(0)} ms (goal < 300 ms)`)
} finally {
  stop()
  await new Promise((r) => setTimeout(r, 500))
  await database.drop()
}
