// Test support: both engines (embedded PGlite in a temp directory, and a fresh database on the
// PostgreSQL server), the CLI as a child process, and a served instance.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { DbTarget } from '../src/platform/config.ts'
import { parseCsv } from '../src/platform/csv.ts'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const COSO = join(ROOT, 'bin', 'coso.js')
const SERVER = process.env.COSO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export function tempDir(prefix = 'coso-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

let serverReachable: Promise<boolean> | undefined

/** Under CI an unreachable server fails the run; elsewhere its tests are skipped, loudly. */
export function postgresReachable(): Promise<boolean> {
  serverReachable ??= (async () => {
    const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 3000 })
    try {
      await client.connect()
      await client.end()
      return true
    } catch (error) {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${SERVER} is unreachable under CI: ${(error as Error).message}`)
      process.stderr.write(`# PostgreSQL at ${SERVER} unreachable: its tests are skipped (set COSO_TEST_DATABASE_URL)\n`)
      return false
    }
  })()
  return serverReachable
}

export interface TestDatabase {
  target: DbTarget
  /** Flags for the CLI that point at this database. */
  flags: string[]
  drop(): Promise<void>
}

/** A new, empty database on the server, dropped afterwards. */
export async function serverDatabase(): Promise<TestDatabase> {
  const name = `coso_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  return {
    target: { engine: 'postgresql', url: url.toString() },
    flags: ['--database-url', url.toString()],
    async drop() {
      const c = new pg.Client({ connectionString: SERVER })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

let template: string | undefined

/**
 * A fresh embedded database, copied from a template made once per schema version: PGlite's
 * initdb takes seconds, a copy milliseconds. (Creating a new directory is tested on its own.)
 */
export function embeddedDatabase(options: { empty?: boolean } = {}): TestDatabase {
  const dir = tempDir('coso-data-')
  if (!options.empty) {
    template ??= embeddedTemplate()
    cpSync(template, dir, { recursive: true })
  }
  return {
    target: { engine: 'pglite', dataDir: dir },
    flags: ['--data', dir],
    async drop() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function embeddedTemplate(): string {
  const hash = createHash('sha256')
  for (const folder of ['migrations', 'seed/geo']) {
    for (const name of readdirSync(join(ROOT, folder)).sort()) hash.update(name).update(readFileSync(join(ROOT, folder, name)))
  }
  hash.update(readFileSync(join(ROOT, 'src/geo/gazetteer.ts')))
  const dir = join(tmpdir(), `coso-template-${hash.digest('hex').slice(0, 16)}`)
  if (existsSync(join(dir, 'coso.json'))) return dir
  const building = tempDir('coso-template-build-')
  const result = spawnSync(process.execPath, [COSO, 'migrate', '--data', building], { encoding: 'utf8', env: cliEnv() })
  if (result.status !== 0) throw new Error(`could not build the embedded template: ${result.stderr}`)
  try {
    renameSync(building, dir)
  } catch {
    rmSync(building, { recursive: true, force: true }) // another test process made it first
  }
  return dir
}

export interface Engine {
  name: 'pglite' | 'postgresql'
  /** A new database: embedded ones start from the template unless `empty` is asked for. */
  create(options?: { empty?: boolean }): Promise<TestDatabase>
  /** Why its tests are skipped, when they are. */
  skip: string | false
}

export async function engines(): Promise<Engine[]> {
  const reachable = await postgresReachable()
  return [
    { name: 'pglite', create: async (options) => embeddedDatabase(options), skip: false },
    { name: 'postgresql', create: serverDatabase, skip: reachable ? false : 'PostgreSQL server unreachable' },
  ]
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `coso …` as a tool would, on the Node running the tests (the pinned one). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COSO, ...args], { cwd: ROOT, env: cliEnv(options.env) })
    // Decoded by the streams, so a character split across two chunks stays whole.
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  if (!('DATABASE_URL' in extra)) delete env.DATABASE_URL
  if (!('COSO_DATA' in extra)) delete env.COSO_DATA
  return env
}

export interface Served {
  url: string
  child: ChildProcess
  stderr: () => string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** `coso serve --port 0 …`, resolved once it prints its URL. */
export function serve(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COSO, 'serve', '--port', '0', ...args], { cwd: ROOT, env: cliEnv(options.env) })
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    let stdout = ''
    let stderr = ''
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.stdout.on('data', (d) => {
      stdout += d
      const m = /(http:\/\/[^\s]+)/.exec(stdout)
      if (m?.[1]) {
        resolve({
          url: m[1],
          child,
          stderr: () => stderr,
          async stop(signal = 'SIGTERM') {
            child.kill(signal)
            return exited
          },
        })
      }
    })
    exited.then((code) => reject(new Error(`coso serve exited (${code}) before listening: ${stderr}`)))
  })
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url)
  return { status: response.status, body: await response.json() }
}

export const TEST_PASSWORD = 'Test-passphrase-2026!'

/** A user made by the CLI, with TEST_PASSWORD and no forced change. */
export async function addUser(flags: string[], username: string, role: string, units: readonly string[] = []) {
  const add = await runCli(
    ['users', 'add', '--username', username, '--role', role, ...units.flatMap((u) => ['--unit', u]), '--password-stdin', ...flags],
    { input: `${TEST_PASSWORD}\n` },
  )
  if (add.code !== 0) throw new Error(`users add failed: ${add.stderr}`)
}

/** A user made by the CLI (see addUser) and an API token for them. */
export async function userWithToken(
  flags: string[],
  role: string,
  units: string[] = [],
  username = `${role.split('-')[1] ?? role}${randomBytes(3).toString('hex')}`,
) {
  await addUser(flags, username, role, units)
  const token = await runCli(['tokens', 'add', '--user', username, ...flags])
  if (token.code !== 0) throw new Error(`tokens add failed: ${token.stderr}`)
  return { username, token: token.stdout.trim(), auth: { authorization: `Bearer ${token.stdout.trim()}` } }
}

/**
 * A generated register collected before the 2025 reform, imported: its forms name 2024 units, so
 * old communes are carried through the crosswalk and the split ones have households to place.
 */
export async function registerBeforeReform(flags: string[], persons: number): Promise<void> {
  const file = join(tempDir(), 'before-reform.csv')
  const args = ['--persons', String(persons), '--seed', '7', '--collected-from', '2024-03-01', '--collected-to', '2025-06-30']
  const generated = await runCli(['generate', ...args, '--out', file])
  if (generated.code !== 0) throw new Error(`generate failed: ${generated.stderr}`)
  const imported = await runCli(['import', file, ...flags])
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`)
}

/**
 * A register with duplicates, for the dedup pages: 300 generated persons (30% with a second
 * form, errors in 30% of them) imported and deduplicated. Returns the units of the pairs left
 * for review, the scope that commune users need to see them.
 */
export async function registerWithDuplicates(flags: string[]): Promise<string[]> {
  const file = join(tempDir(), 'forms.csv')
  const generated = await runCli([
    'generate',
    '--persons',
    '300',
    '--dup-rate',
    '0.3',
    '--error-rate',
    '0.3',
    '--seed',
    '11',
    '--out',
    file,
  ])
  if (generated.code !== 0) throw new Error(`generate failed: ${generated.stderr}`)
  const imported = await runCli(['import', file, ...flags])
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`)
  const run = await runCli(['dedup', 'run', ...flags])
  if (run.code !== 0) throw new Error(`dedup run failed: ${run.stderr}`)
  const pairs = await runCli(['dedup', 'pairs', '--format', 'csv', ...flags])
  // form_no_a,collecting_unit_a,form_no_b,collecting_unit_b,probability,decision
  const review = parseCsv(pairs.stdout)
    .slice(1)
    .filter((r) => r[5] === 'review')
  const units = [...new Set(review.flatMap((r) => [r[1] as string, r[3] as string]))].sort()
  if (units.length === 0) throw new Error('no pairs left for review')
  return units
}
