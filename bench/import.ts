// The campaign import: N generated DC01 forms (10% with errors) through `coso import`, end to
// end, on both engines; against a raw COPY of the same file into a plain table on the same
// engine, in the same run. Reports seconds, rows/s, the ratio to COPY and peak RSS, and the
// floor: the register rows the import wrote, written again by COPY alone.
// Run: npm run bench:import [-- --persons 305402] [-- --engines pglite,postgresql]
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import { DC01_KEYS } from '../src/intake/dc01.ts'
import { benchDatabase, SERVER } from './database.ts'

const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
// As `npx coso` runs it (the flags of bin/coso.js's shebang).
const NODE_FLAGS = ['--max-old-space-size=256']
const OUT = fileURLToPath(new URL('./out/', import.meta.url))

interface Run {
  seconds: number
  peakRssMb: number
  stdout: string
}

/** Runs a command, sampling its resident memory (Linux /proc) for the peak. */
function run(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [...NODE_FLAGS, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, COSO_LOG_LEVEL: 'warn' },
    })
    let stdout = ''
    let peak = 0
    const sample = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0)
        peak = Math.max(peak, kb)
      } catch {}
    }, 50)
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.on('close', (code) => {
      clearInterval(sample)
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`))
      else resolve({ seconds: (performance.now() - start) / 1000, peakRssMb: Math.round(peak / 1024), stdout })
    })
  })
}

async function rawCopy(engine: string, file: string) {
  const columns = DC01_KEYS.map((k) => `${k} text`).join(', ')
  if (engine === 'pglite') {
    const db = await PGlite.create(join(tmpdir(), `coso-copy-${randomBytes(4).toString('hex')}`))
    await db.exec(`CREATE TABLE raw (${columns})`)
    const blob = new Blob([readFileSync(file)])
    const start = performance.now()
    await db.query(`COPY raw FROM '/dev/blob' WITH (FORMAT csv, HEADER true)`, [], { blob })
    console.log((performance.now() - start) / 1000)
    await db.close()
    return
  }
  const client = new pg.Client({ connectionString: process.argv[4] })
  await client.connect()
  await client.query(`CREATE TABLE raw (${columns})`)
  const start = performance.now()
  await pipeline(createReadStream(file), client.query(copyFrom('COPY raw FROM STDIN WITH (FORMAT csv, HEADER true)')))
  console.log((performance.now() - start) / 1000)
  await client.end()
}

// The register's own rows, written again by COPY alone into tables with the same indexes: what
// the engine needs to store what an import stores, before any reading, checking or deciding.
const REGISTER_TABLES = [
  'form',
  'form_finding',
  'person',
  'person_identifier',
  'household',
  'household_member',
  'residence',
  'relationship',
]

async function registerFloor(engine: string, target: string) {
  let seconds = 0
  if (engine === 'pglite') {
    const db = await PGlite.create(join(target, 'pgdata'), { extensions: { pg_trgm, unaccent, fuzzystrmatch } })
    for (const table of REGISTER_TABLES) {
      const out = await db.query(`COPY ${table} TO '/dev/blob'`)
      await db.exec(`CREATE TABLE floor_${table} (LIKE ${table} INCLUDING ALL)`)
      const start = performance.now()
      await db.query(`COPY floor_${table} FROM '/dev/blob'`, [], { blob: out.blob as Blob })
      seconds += (performance.now() - start) / 1000
    }
    await db.close()
  } else {
    const client = new pg.Client({ connectionString: target })
    await client.connect()
    for (const table of REGISTER_TABLES) {
      const file = join(tmpdir(), `coso-floor-${randomBytes(4).toString('hex')}`)
      await pipeline(client.query(copyTo(`COPY ${table} TO STDOUT`)), createWriteStream(file))
      await client.query(`CREATE TABLE floor_${table} (LIKE ${table} INCLUDING ALL)`)
      const start = performance.now()
      await pipeline(createReadStream(file), client.query(copyFrom(`COPY floor_${table} FROM STDIN`)))
      seconds += (performance.now() - start) / 1000
      rmSync(file)
    }
    await client.end()
  }
  console.log(seconds)
}

async function main() {
  const { values } = parseArgs({
    options: { persons: { type: 'string', default: '305402' }, engines: { type: 'string', default: 'pglite,postgresql' } },
  })
  const persons = Number(values.persons)
  mkdirSync(OUT, { recursive: true })
  const file = join(OUT, `dc01-${persons}-e10.csv`)
  if (!existsSync(file)) {
    console.error(`generating ${file}…`)
    await run([COSO, 'generate', '--persons', String(persons), '--seed', '2026', '--error-rate', '0.1', '--out', file])
  }
  const rows = readFileSync(file, 'utf8').split('\n').length - 2
  console.log(`${rows.toLocaleString('en')} forms, ${(readFileSync(file).length / 1e6).toFixed(0)} MB`)
  for (const engine of (values.engines as string).split(',')) {
    let flags: string[]
    let cleanup: () => Promise<void>
    if (engine === 'pglite') {
      const dir = join(tmpdir(), `coso-bench-${randomBytes(4).toString('hex')}`)
      flags = ['--data', dir]
      cleanup = async () => rmSync(dir, { recursive: true, force: true })
    } else {
      const db = await benchDatabase()
      flags = ['--database-url', db.url]
      cleanup = db.drop
    }
    try {
      await run([COSO, 'migrate', ...flags]) // creates the database
      const idle = await run([COSO, 'units', 'get', '06652', ...flags]) // start-up memory on an existing database
      const copyUrl = engine === 'pglite' ? '' : (await benchDatabase()).url
      const copy = await run([fileURLToPath(import.meta.url), 'copy', engine, copyUrl, file])
      const copySeconds = Number(copy.stdout.trim())
      const imp = await run([COSO, 'import', file, '--json', ...flags])
      const report = JSON.parse(imp.stdout) as { rows: number; outcomes: Record<string, number> }
      const floor = Number((await run([fileURLToPath(import.meta.url), 'floor', engine, flags[1] as string])).stdout.trim())
      console.log(
        `${engine.padEnd(10)} COPY ${copySeconds.toFixed(1)} s · register rows by COPY alone ${floor.toFixed(1)} s (${(floor / copySeconds).toFixed(1)}× COPY) · import ${imp.seconds.toFixed(1)} s (${Math.round(report.rows / imp.seconds).toLocaleString('en')} rows/s, ` +
          `${(imp.seconds / copySeconds).toFixed(1)}× COPY) · peak RSS ${imp.peakRssMb} MB (start-up ${idle.peakRssMb} MB, +${imp.peakRssMb - idle.peakRssMb} MB) · ${JSON.stringify(report.outcomes)}`,
      )
      if (copyUrl) {
        const c = new pg.Client({ connectionString: SERVER })
        await c.connect()
        await c.query(`DROP DATABASE ${new URL(copyUrl).pathname.slice(1)} WITH (FORCE)`)
        await c.end()
      }
    } finally {
      await cleanup()
    }
  }
}

if (process.argv[2] === 'copy') await rawCopy(process.argv[3] as string, process.argv[5] as string)
else if (process.argv[2] === 'floor') await registerFloor(process.argv[3] as string, process.argv[4] as string)
else await main()
