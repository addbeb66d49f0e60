// What access control costs: GET /api/persons/:id with a commune officer's API token (token
// lookup, scope check in SQL, audit entry in the read's transaction) against the same route
// served with access control switched off (this harness only), on PostgreSQL. autocannon, 20
// connections, alternating rounds; prints req/s and p99 for both and the throughput cost.
// Run: npm run bench:access [-- --persons 20000]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { startServer } from '../src/app.ts'
import { createLogger } from '../src/platform/log.ts'
import { benchDatabase } from './database.ts'

const SELF = fileURLToPath(import.meta.url)
const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const DURATION = Number(process.env.DURATION ?? 10)
const ROUNDS = 3

/** The harness's server: `bench/access.ts serve URL open|guarded`, printing its address. */
async function serveMode(url: string, mode: string) {
  const server = await startServer({
    target: { engine: 'postgresql', url },
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('warn'),
    enforceAccess: mode === 'guarded',
  })
  process.stdout.write(`${server.url}\n`)
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)))
}

function run(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COSO, ...args], { env: { ...process.env, COSO_LOG_LEVEL: 'warn' } })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`coso ${args[0]}: ${err}`))))
    child.stdin.end(input ?? '')
  })
}

function start(url: string, mode: 'open' | 'guarded'): Promise<{ url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', SELF, 'serve', url, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /(http:\/\/\S+)/.exec(out)
      if (m?.[1])
        resolve({
          url: m[1],
          stop: () =>
            new Promise((r) => {
              child.on('close', () => r())
              child.kill('SIGTERM')
            }),
        })
    })
    child.on('close', (code) => reject(new Error(`server exited ${code}`)))
  })
}

async function load(url: string, ids: string[], token: string | null, duration = DURATION) {
  const result = await autocannon({
    url,
    connections: 20,
    duration,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requests: ids.map((id) => ({ path: `/api/persons/${id}` })),
  })
  return { rps: result.requests.average, p99: result.latency.p99, bad: result.errors + result.non2xx }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

async function main() {
  const { values } = parseArgs({ options: { persons: { type: 'string', default: '20000' } } })
  const database = await benchDatabase()
  const url = new URL(database.url)
  const dir = mkdtempSync(join(tmpdir(), 'coso-bench-access-'))
  try {
    const flags = ['--database-url', url.toString()]
    const file = join(dir, 'forms.csv')
    await run(['generate', '--persons', String(values.persons), '--seed', '11', '--out', file])
    await run(['import', file, '--json', ...flags])
    await run(
      ['users', 'add', '--username', 'bench.hatu', '--role', 'commune-officer', '--unit', '06652', '--password-stdin', ...flags],
      'Bench-passphrase-2026\n',
    )
    const token = (await run(['tokens', 'add', '--user', 'bench.hatu', ...flags])).trim()
    const db = new pg.Client({ connectionString: url.toString() })
    await db.connect()
    const { rows } = await db.query<{ person_id: string }>(
      `SELECT DISTINCT person_id FROM residence WHERE unit_code = '06652' AND era = 2025 ORDER BY person_id LIMIT 200`,
    )
    await db.end()
    const ids = rows.map((r) => r.person_id)
    console.log(`${values.persons} persons; ${ids.length} Hà Tu persons read in turn; ${ROUNDS} rounds of ${DURATION} s each way`)
    const open: { rps: number; p99: number }[] = []
    const guarded: { rps: number; p99: number }[] = []
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['open', 'guarded'] as const) {
        const server = await start(url.toString(), mode)
        await load(server.url, ids, mode === 'guarded' ? token : null, 2) // warm-up
        const r = await load(server.url, ids, mode === 'guarded' ? token : null)
        await server.stop()
        if (r.bad > 0) throw new Error(`${mode}: ${r.bad} failed requests`)
        ;(mode === 'open' ? open : guarded).push(r)
      }
    }
    const o = { rps: median(open.map((r) => r.rps)), p99: median(open.map((r) => r.p99)) }
    const g = { rps: median(guarded.map((r) => r.rps)), p99: median(guarded.map((r) => r.p99)) }
    console.log(`access off  ${Math.round(o.rps)} req/s, p99 ${o.p99} ms`)
    console.log(`access on   ${Math.round(g.rps)} req/s, p99 ${g.p99} ms (token, scope check, audit entry in the read's transaction)`)
    console.log(`throughput cost ${((1 - g.rps / o.rps) * 100).toFixed(0)}% (goal ≤ 40%)`)
  } finally {
    await database.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'serve') await serveMode(process.argv[3] as string, process.argv[4] as string)
else await main()
