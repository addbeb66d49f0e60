// GET /api/units/:code under load on both engines (autocannon, 20 connections, 10 s each), and
// the time from process start to the first answer on an existing embedded database.
// Run: npm run bench:units   (needs the PostgreSQL server of DATABASE_URL or 127.0.0.1:5432/test)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { benchDatabase } from './database.ts'

const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const DURATION = Number(process.env.DURATION ?? 10)
const CODES = ['06652', '06886', '06799', '07090', '06658', '06688', '06985', '07093']

function start(args: string[]): Promise<{ url: string; stop: () => Promise<void>; ms: number }> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COSO, 'serve', '--port', '0', ...args], { env: { ...process.env, COSO_LOG_LEVEL: 'warn' } })
    let out = ''
    child.stdout.on('data', async (d) => {
      out += d
      const m = /(http:\/\/\S+)/.exec(out)
      if (!m?.[1]) return
      const url = m[1]
      await fetch(`${url}/api/units/06652`)
      const ms = performance.now() - t0
      resolve({
        url,
        ms,
        stop: () =>
          new Promise((r) => {
            child.on('close', () => r())
            child.kill('SIGTERM')
          }),
      })
    })
    child.on('close', (code) => reject(new Error(`serve exited ${code}`)))
  })
}

async function load(url: string) {
  const requests = CODES.flatMap((code) => [{ path: `/api/units/${code}` }, { path: `/api/units/${code}?on=2025-01-01` }])
  const result = await autocannon({ url, connections: 20, duration: DURATION, requests })
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors + result.non2xx }
}

const dir = mkdtempSync(join(tmpdir(), 'coso-bench-'))
try {
  const first = await start(['--data', dir])
  const embedded = await load(first.url)
  await first.stop()
  const starts: number[] = []
  for (let i = 0; i < 5; i++) {
    const s = await start(['--data', dir])
    starts.push(s.ms)
    await s.stop()
  }
  starts.sort((a, b) => a - b)

  const database = await benchDatabase()
  const server = await start(['--database-url', database.url])
  const postgres = await load(server.url)
  await server.stop()
  await database.drop()

  console.log(`GET /api/units/:code, 20 connections, ${DURATION} s, load generator on the same machine`)
  console.log(`  pglite      ${embedded.rps} req/s  p99 ${embedded.p99} ms  errors ${embedded.errors}   (goal ≥ 2,000 req/s)`)
  console.log(`  postgresql  ${postgres.rps} req/s  p99 ${postgres.p99} ms  errors ${postgres.errors}   (goal ≥ 5,000 req/s)`)
  console.log(
    `start to first answer, existing embedded database: median ${Math.round(starts[2] ?? 0)} ms (min ${Math.round(starts[0] ?? 0)}, max ${Math.round(starts[4] ?? 0)}; goal < 2,000 ms)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
