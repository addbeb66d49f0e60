// Access control on both engines: the authorisation matrix built from the route table (every
// route × every role × data in and out of scope), sessions, CSRF, lockout, tokens, hostile
// input and the audit log. The app runs in this process (Fastify's inject); the CLI runs
// against the same database when the app is closed.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import * as OTPAuth from 'otpauth'
import { GRANTS, type Permission, ROLES, type Role, SCOPED_ROLES } from '../src/access/roles.ts'
import * as access from '../src/access/service.ts'
import { openCoso, routes } from '../src/app.ts'
import type { Db } from '../src/platform/db.ts'
import { type App, createHttpApp } from '../src/platform/http.ts'
import { createLogger } from '../src/platform/log.ts'
import { engines, runCli, TEST_PASSWORD, type TestDatabase, tempDir } from './helpers.ts'

const HEADER =
  'form_no,collected_on,collecting_unit,full_name,birth_date,sex,personal_id,ethnicity,household_no,relation_to_head,current_unit'
// Ha Tu (06652) and Co To (07192), one person each, collected in 2026; a hostile name in Ha Tu.
const ROWS = [
  'HT-1,05/01/2026,06652,Nguyễn Văn Hà,12/03/1980,Nam,022080000123,Kinh,H1,Chủ hộ,06652',
  'CT-1,05/01/2026,07192,Trần Thị Tô,01/02/1990,Nữ,022190000456,Kinh,H9,Chủ hộ,07192',
  'HT-2,05/01/2026,06652,"<script>alert(1)</script>",02/02/1992,Nam,,Kinh,H2,Chủ hộ,06652',
]

const INJECTIONS = ["' OR '1'='1", "'; DROP TABLE person; --", "%' OR 1=1 --", '\\', '" OR ""="', '1) OR (1=1', '$1', '\u0000']

type Injected = Awaited<ReturnType<App['inject']>>

for (const engine of await engines()) {
  describe(`access on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let coso: Db
    let app: App
    const tokens = new Map<Role | 'officer-coto', string>()
    const ids: Record<string, string> = {}
    let closed = false

    const call = (
      method: string,
      url: string,
      options: { token?: string | undefined; body?: unknown; headers?: Record<string, string>; address?: string } = {},
    ) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
        ...(options.body !== undefined ? { payload: options.body as object } : {}),
        remoteAddress: options.address ?? '127.0.0.1',
      })
    const as = (role: Role | 'officer-coto') => tokens.get(role) as string

    before(async () => {
      db = await engine.create()
      const dir = tempDir()
      const file = join(dir, 'forms.csv')
      writeFileSync(file, `${HEADER}\n${ROWS.join('\n')}\n`)
      const imported = await runCli(['import', file, '--json', ...db.flags])
      assert.equal(imported.code, 0, imported.stderr)
      ids.batch = JSON.parse(imported.stdout).batch_id
      coso = await openCoso(db.target)
      app = await createHttpApp({ db: coso, logger: createLogger('silent') }, routes())
      const cli = access.cliActor()
      for (const role of ROLES) {
        const units = SCOPED_ROLES.includes(role) ? ['06652'] : []
        const { user } = await access.addUser(coso, cli, { username: `u-${role}`, role, units, password: TEST_PASSWORD })
        tokens.set(role, (await access.addToken(coso, cli, await access.userById(coso, user.id), {})).token)
      }
      const { user } = await access.addUser(coso, cli, {
        username: 'coto',
        role: 'commune-officer',
        units: ['07192'],
        password: TEST_PASSWORD,
      })
      tokens.set('officer-coto', (await access.addToken(coso, cli, await access.userById(coso, user.id), {})).token)
      const { rows } = await coso.pool.query<{ form_no: string; id: string; person_id: string }>(`SELECT form_no, id, person_id FROM form`)
      for (const r of rows) {
        ids[`form:${r.form_no}`] = r.id
        ids[`person:${r.form_no}`] = r.person_id
      }
      const households = await coso.pool.query<{ household_no: string; id: string }>(`SELECT household_no, id FROM household`)
      for (const h of households.rows) ids[`household:${h.household_no}`] = h.id
    })
    after(async () => {
      if (!closed) {
        await app.close()
        await coso.close()
      }
      await db.drop()
    })

    test('acceptance: a Hà Tu officer reads a Hà Tu person (200), not a Cô Tô one (404), nobody without a token (401)', async () => {
      const inScope = await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: as('commune-officer') })
      assert.equal(inScope.statusCode, 200, inScope.body)
      assert.equal(inScope.json().name_display, 'Nguyễn Văn Hà')
      const outOfScope = await call('GET', `/api/persons/${ids['person:CT-1']}`, { token: as('commune-officer') })
      assert.equal(outOfScope.statusCode, 404)
      assert.equal((await call('GET', `/api/persons/${ids['person:HT-1']}`)).statusCode, 401)
      // The Cô Tô officer is the mirror image.
      assert.equal((await call('GET', `/api/persons/${ids['person:CT-1']}`, { token: as('officer-coto') })).statusCode, 200)
      assert.equal((await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: as('officer-coto') })).statusCode, 404)
      // Search sees the same: nobody from Cô Tô in a Hà Tu officer's results.
      const search = (await call('GET', '/api/persons?q=T%C3%B4', { token: as('commune-officer') })).json()
      assert.deepEqual(search.items, [])
      const coto = (await call('GET', '/api/persons?q=T%C3%B4', { token: as('officer-coto') })).json()
      assert.equal(coto.items.length, 1)
    })

    test('the route table: every /api route declares its access, and a route without one stops the app', async () => {
      assert.ok(app.routeTable.length >= 25, `${app.routeTable.length} routes`)
      const documented = Object.keys((await call('GET', '/api/openapi.json')).json().paths)
      for (const path of documented) {
        const url = path.replace(/\{(\w+)\}/g, ':$1')
        assert.ok(
          app.routeTable.some((r) => r.url === url),
          `${path} is in the route table`,
        )
      }
      const careless = await createHttpApp({ db: coso, logger: createLogger('silent') }, [
        ...routes(),
        (a) => {
          a.get('/api/forgot-to-declare', async () => ({}))
        },
      ]).then(
        () => 'started',
        (error: Error) => error.message,
      )
      assert.match(careless, /declares no access/)
    })

    test('authorisation matrix: every route × every role (and anonymous) × data in and out of scope', async () => {
      const idFor = (url: string, scope: 'in' | 'out') => {
        const which = scope === 'in' ? 'HT-1' : 'CT-1'
        if (url.startsWith('/api/persons/')) return ids[`person:${which}`]
        if (url.startsWith('/api/households/')) return ids[`household:${scope === 'in' ? 'H1' : 'H9'}`]
        if (url.startsWith('/api/forms/')) return ids[`form:${which}`]
        if (url.startsWith('/api/imports/')) return ids.batch
        return '00000000-0000-7000-8000-000000000000'
      }
      const fill = (url: string, scope: 'in' | 'out') =>
        url.replace(':id', idFor(url, scope) as string).replace(':code', scope === 'in' ? '06652' : '07192')
      const scoped = (url: string) => /^\/api\/(persons|households|forms)\/:id$/.test(url)
      const failures: string[] = []
      let checked = 0
      for (const route of app.routeTable) {
        if (route.url === '/api/session' && route.method === 'DELETE') continue // ends the caller's session; tested below
        for (const who of [undefined, ...ROLES] as (Role | undefined)[]) {
          for (const scope of scoped(route.url) ? (['in', 'out'] as const) : (['in'] as const)) {
            // Writes get an empty body: a caller who may write meets validation (400), one who
            // may not is stopped before it (401/403). Nothing in the matrix changes data.
            const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {}
            const url = fill(route.url, scope)
            const r: Injected = await call(
              route.method,
              route.method === 'DELETE' && route.url.includes('imports')
                ? url.replace(ids.batch as string, '00000000-0000-7000-8000-000000000000')
                : url,
              {
                token: who ? as(who) : undefined,
                body,
              },
            )
            checked++
            const held = who ? (GRANTS[who] as readonly string[]) : []
            let expected: string
            if (route.access === 'public') expected = 'not 401/403'
            else if (!who) expected = '401'
            else if (route.access !== 'authenticated' && !held.includes(route.access as Permission)) expected = '403'
            else if (scoped(route.url) && scope === 'out' && SCOPED_ROLES.includes(who)) expected = '404'
            else if (scoped(route.url) && route.method === 'GET') expected = '200'
            else expected = 'not 401/403'
            // (Uploads answer 503 here: this in-process app runs no job system.)
            const passed = r.statusCode !== 401 && r.statusCode !== 403 && (r.statusCode < 500 || r.json().code === 'JOBS_OFF')
            const ok = expected === 'not 401/403' ? passed : r.statusCode === Number(expected)
            if (!ok)
              failures.push(`${route.method} ${route.url} as ${who ?? 'anonymous'} (${scope} scope): ${r.statusCode}, expected ${expected}`)
          }
        }
      }
      assert.deepEqual(failures, [])
      assert.ok(checked > app.routeTable.length * ROLES.length, `${checked} requests`)
    })

    test('sensitive fields are masked for roles without the permission', async () => {
      const officer = (await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: as('commune-officer') })).json()
      assert.equal(officer.ethnicity_text, 'Kinh')
      const analyst = (await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: as('province-analyst') })).json()
      assert.equal(analyst.ethnicity_text, '***')
      assert.equal(analyst.name_display, 'Nguyễn Văn Hà')
      const form = (await call('GET', `/api/forms/${ids['form:HT-1']}`, { token: as('province-analyst') })).json()
      assert.equal(form.raw.ethnicity, '***')
    })

    test('hostile strings in every search and filter parameter give normal results or a 400', async () => {
      const doc = (await call('GET', '/api/openapi.json')).json()
      const admin = as('province-admin')
      const auditor = as('auditor')
      let tried = 0
      for (const [path, item] of Object.entries(doc.paths) as [string, Record<string, { parameters?: { in: string; name: string }[] }>][]) {
        const get = item.get
        if (!get?.parameters || path.includes('{')) continue
        for (const p of get.parameters.filter((x) => x.in === 'query')) {
          for (const payload of INJECTIONS) {
            const r = await call('GET', `${path}?${p.name}=${encodeURIComponent(payload)}`, {
              token: path.startsWith('/api/audit') ? auditor : admin,
            })
            tried++
            assert.ok([200, 400].includes(r.statusCode), `${path}?${p.name}=${payload}: ${r.statusCode} ${r.body.slice(0, 200)}`)
          }
        }
      }
      assert.ok(tried > 50, `${tried} requests`)
      const still = await coso.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')
      assert.equal(still.rows[0]?.n, 3)
    })

    test('a stored script in a name comes back escaped in JSON', async () => {
      const r = await call('GET', `/api/persons/${ids['person:HT-2']}`, { token: as('commune-officer') })
      assert.equal(r.statusCode, 200)
      assert.doesNotMatch(r.body, /<script>/i)
      assert.match(r.body, /\\u003cscript\\u003e/i)
      assert.match(r.json().full_name, /<script>alert\(1\)<\/script>/i, 'the value itself is kept as typed')
      const search = await call('GET', '/api/forms?limit=10', { token: as('province-admin') })
      assert.doesNotMatch(search.body, /<script>/i)
    })

    test('sessions: login, CSRF on writes, a new id at each login, log out everywhere', async () => {
      const address = '10.0.0.1'
      const login = async (username: string, password: string, cookie?: string, totp?: string) =>
        call('POST', '/api/session', {
          body: { username, password, ...(totp ? { totp } : {}) },
          headers: cookie ? { cookie } : {},
          address,
        })
      const first = await login('u-commune-officer', TEST_PASSWORD)
      assert.equal(first.statusCode, 200, first.body)
      const cookieOf = (r: Injected) => r.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
      const session = first.cookies.find((c) => c.name === 'coso_session')
      assert.ok(session?.httpOnly, 'httpOnly session cookie')
      assert.equal(session?.sameSite, 'Strict')
      const cookie = cookieOf(first)
      const csrf = first.json().csrf_token as string
      const read = await call('GET', `/api/persons/${ids['person:HT-1']}`, { headers: { cookie }, address })
      assert.equal(read.statusCode, 200)
      const form = {
        form_no: 'S-1',
        collected_on: '06/01/2026',
        collecting_unit: '06652',
        full_name: 'Lê Văn Sáu',
        birth_date: '1970',
        sex: 'Nam',
      }
      const noCsrf = await call('POST', '/api/forms', { headers: { cookie }, body: form, address })
      assert.equal(noCsrf.statusCode, 403)
      assert.equal(noCsrf.json().code, 'CSRF')
      const withCsrf = await call('POST', '/api/forms', { headers: { cookie, 'x-csrf-token': csrf }, body: form, address })
      assert.equal(withCsrf.statusCode, 200, withCsrf.body)
      // Session fixation: logging in again with the old cookie gives a new id and ends the old one.
      const again = await login('u-commune-officer', TEST_PASSWORD, cookie)
      assert.notEqual(again.cookies.find((c) => c.name === 'coso_session')?.value, session?.value)
      assert.equal((await call('GET', '/api/session', { headers: { cookie }, address })).statusCode, 401)
      const other = await login('u-commune-officer', TEST_PASSWORD)
      const everywhere = await call('POST', '/api/session/logout-everywhere', {
        headers: { cookie: cookieOf(other), 'x-csrf-token': other.json().csrf_token },
        address,
      })
      assert.equal(everywhere.statusCode, 200)
      assert.equal(everywhere.json().sessions, 2)
      assert.equal((await call('GET', '/api/session', { headers: { cookie: cookieOf(again) }, address })).statusCode, 401)
      assert.equal((await call('GET', '/api/session', { headers: { cookie: cookieOf(other) }, address })).statusCode, 401)
    })

    test('a one-time password must be changed first; an admin must set up TOTP, then needs it', async () => {
      const address = '10.0.0.2'
      const cli = access.cliActor()
      const made = await access.addUser(coso, cli, { username: 'newadmin', role: 'province-admin', units: [] })
      assert.ok(made.password && made.password.length >= 12)
      const cookieOf = (r: Injected) => r.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
      const login = await call('POST', '/api/session', { body: { username: 'newadmin', password: made.password }, address })
      assert.equal(login.json().stage, 'password-change')
      const headers = { cookie: cookieOf(login), 'x-csrf-token': login.json().csrf_token }
      assert.equal((await call('GET', '/api/users', { headers, address })).json().code, 'PASSWORD_CHANGE_REQUIRED')
      const weak = await call('POST', '/api/session/password', {
        headers,
        address,
        body: { current_password: made.password, new_password: 'password1234' },
      })
      assert.equal(weak.statusCode, 400)
      assert.equal(weak.json().details.rule, 'password-common')
      const short = await call('POST', '/api/session/password', {
        headers,
        address,
        body: { current_password: made.password, new_password: 'Short-1' },
      })
      assert.equal(short.json().details.rule, 'password-too-short')
      const changed = await call('POST', '/api/session/password', {
        headers,
        address,
        body: { current_password: made.password, new_password: 'A-much-better-passphrase-77' },
      })
      assert.equal(changed.json().stage, 'totp-setup')
      assert.equal((await call('GET', '/api/users', { headers, address })).json().code, 'TOTP_SETUP_REQUIRED')
      const setup = (await call('POST', '/api/session/totp', { headers, address })).json()
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret) })
      assert.equal(
        (
          await call('POST', '/api/session/totp/confirm', {
            headers,
            address,
            body: { code: '000000' === totp.generate() ? '111111' : '000000' },
          })
        ).statusCode,
        400,
      )
      assert.equal((await call('POST', '/api/session/totp/confirm', { headers, address, body: { code: totp.generate() } })).statusCode, 204)
      assert.equal((await call('GET', '/api/users', { headers, address })).statusCode, 200)
      const withoutCode = await call('POST', '/api/session', {
        body: { username: 'newadmin', password: 'A-much-better-passphrase-77' },
        address,
      })
      assert.equal(withoutCode.json().code, 'TOTP_REQUIRED')
      const withCode = await call('POST', '/api/session', {
        body: { username: 'newadmin', password: 'A-much-better-passphrase-77', totp: totp.generate() },
        address,
      })
      assert.equal(withCode.json().stage, 'full')
    })

    test('backoff after failures, lockout after five, unlock by an admin; per-address limit', async () => {
      const address = '10.0.0.3'
      const cli = access.cliActor()
      await access.addUser(coso, cli, { username: 'victim', role: 'province-analyst', units: [], password: TEST_PASSWORD })
      const attempt = (password: string, from = address) =>
        call('POST', '/api/session', { body: { username: 'victim', password }, address: from })
      process.env.COSO_LOGIN_BACKOFF_SECONDS = '30'
      try {
        assert.equal((await attempt('wrong-1')).statusCode, 401)
        assert.equal((await attempt('wrong-2')).statusCode, 401)
        const waited = await attempt(TEST_PASSWORD)
        assert.equal(waited.statusCode, 429, 'even the right password waits out the backoff')
        assert.ok(Number(waited.headers['retry-after']) > 0)
        process.env.COSO_LOGIN_BACKOFF_SECONDS = '0'
        assert.equal((await attempt('wrong-3')).statusCode, 401)
        assert.equal((await attempt('wrong-4')).statusCode, 401)
        assert.equal((await attempt('wrong-5')).statusCode, 401)
        const locked = await attempt(TEST_PASSWORD)
        assert.equal(locked.statusCode, 423)
        assert.equal(locked.json().code, 'ACCOUNT_LOCKED')
        const victim = await access.findUser(coso, 'victim')
        const unlock = await call('PATCH', `/api/users/${victim.id}`, { token: as('province-admin'), body: { unlock: true } })
        assert.equal(unlock.statusCode, 200, unlock.body)
        assert.equal((await attempt(TEST_PASSWORD)).statusCode, 200)
        // One address guessing at many accounts is stopped too.
        process.env.COSO_LOGIN_ADDRESS_LIMIT = '3'
        const guesser = '10.9.9.9'
        for (const name of ['a1', 'a2', 'a3']) {
          assert.equal(
            (await call('POST', '/api/session', { body: { username: name, password: 'x'.repeat(12) }, address: guesser })).statusCode,
            401,
          )
        }
        assert.equal((await attempt(TEST_PASSWORD, guesser)).statusCode, 429)
        assert.equal((await attempt(TEST_PASSWORD, '10.9.9.10')).statusCode, 200)
      } finally {
        delete process.env.COSO_LOGIN_BACKOFF_SECONDS
        delete process.env.COSO_LOGIN_ADDRESS_LIMIT
      }
      const denied = await coso.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_entry WHERE action = 'login' AND outcome = 'denied'`,
      )
      assert.ok((denied.rows[0]?.n ?? 0) >= 9)
    })

    test('tokens: expired and revoked ones are refused; narrowed and read-only ones are narrower', async () => {
      const cli = access.cliActor()
      const officer = await access.findUser(coso, 'u-commune-officer')
      const expiring = await access.addToken(coso, cli, officer, { expiresDays: 1 })
      assert.equal((await call('GET', '/api/session', { token: expiring.token })).statusCode, 200)
      await coso.pool.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.view.id])
      assert.equal((await call('GET', '/api/session', { token: expiring.token })).json().code, 'INVALID_TOKEN')
      const revoked = await access.addToken(coso, cli, officer, {})
      assert.equal((await call('DELETE', `/api/tokens/${revoked.view.id}`, { token: revoked.token })).statusCode, 204)
      assert.equal((await call('GET', '/api/session', { token: revoked.token })).statusCode, 401)
      assert.equal((await call('GET', '/api/session', { token: `${revoked.token}x` })).statusCode, 401)
      // A form for another commune is kept, held for correction, and written into no register.
      const elsewhere = await call('POST', '/api/forms', {
        token: as('commune-officer'),
        body: {
          form_no: 'X-1',
          collected_on: '07/01/2026',
          collecting_unit: '07192',
          full_name: 'Phạm Văn Xa',
          birth_date: '1966',
          sex: 'Nam',
        },
      })
      assert.equal(elsewhere.statusCode, 200, elsewhere.body)
      assert.equal(elsewhere.json().outcome, 'needs_correction')
      assert.ok(elsewhere.json().findings.some((f: { rule: string }) => f.rule === 'unit-out-of-scope'))
      const readOnly = await access.addToken(coso, cli, officer, { readOnly: true })
      assert.equal((await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: readOnly.token })).statusCode, 200)
      assert.equal((await call('POST', '/api/forms', { token: readOnly.token, body: {} })).statusCode, 403)
      const analyst = await access.findUser(coso, 'u-province-analyst')
      const narrowed = await access.addToken(coso, cli, analyst, { units: ['07192'] })
      assert.equal((await call('GET', `/api/persons/${ids['person:CT-1']}`, { token: narrowed.token })).statusCode, 200)
      assert.equal((await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: narrowed.token })).statusCode, 404)
      await assert.rejects(access.addToken(coso, cli, officer, { units: ['07192'] }), /narrow/)
      // A disabled user's tokens stop at once.
      await access.changeUser(coso, cli, officer, { disabled: true })
      assert.equal((await call('GET', '/api/session', { token: as('commune-officer') })).statusCode, 401)
      await access.changeUser(coso, cli, officer, { disabled: false })
      assert.equal((await call('GET', '/api/session', { token: as('commune-officer') })).statusCode, 200)
    })

    test('the audit log: reads with the reader, append-only in the database, auditors only', async () => {
      await call('GET', `/api/persons/${ids['person:HT-1']}`, { token: as('commune-officer') })
      const log = await call('GET', `/api/audit?person=${ids['person:HT-1']}`, { token: as('auditor') })
      assert.equal(log.statusCode, 200)
      const reads = log.json().items.filter((e: { action: string }) => e.action === 'person.read')
      assert.ok(reads.some((e: { actor: string; outcome: string }) => e.actor === 'u-commune-officer' && e.outcome === 'ok'))
      const outside = (await call('GET', `/api/audit?person=${ids['person:CT-1']}&user=u-commune-officer`, { token: as('auditor') })).json()
      assert.ok(
        outside.items.some((e: { outcome: string }) => e.outcome === 'not-found'),
        'refused reads are logged too',
      )
      const searches = (await call('GET', '/api/audit?action=person.search', { token: as('auditor') })).json()
      assert.ok(searches.items.some((e: { details: { query?: { q?: string } } }) => e.details.query?.q === 'Tô'))
      assert.equal((await call('GET', '/api/audit', { token: as('province-admin') })).statusCode, 403)
      await assert.rejects(coso.pool.query(`UPDATE audit_entry SET actor = 'someone-else'`), /append-only/)
      await assert.rejects(coso.pool.query(`DELETE FROM audit_entry`), /append-only/)
      await assert.rejects(coso.pool.query(`TRUNCATE audit_entry`), /cannot be truncated/)
    })

    test('CLI: coso audit --person shows the officer; verify passes, then catches an entry edited by hand', async () => {
      closed = true
      await app.close()
      await coso.close()
      const byId = await runCli(['audit', '--person', ids['person:HT-1'] as string, ...db.flags])
      assert.equal(byId.code, 0, byId.stderr)
      assert.match(byId.stdout, /u-commune-officer .*person\.read +ok/)
      const byNumber = await runCli(['audit', '--person', '022080000123', '--json', ...db.flags])
      const entries = JSON.parse(byNumber.stdout) as { actor: string; action: string }[]
      assert.ok(entries.some((e) => e.actor === 'u-commune-officer' && e.action === 'person.read'))
      // The operator's commands need no login and are audited under cli:<user>.
      const added = await runCli(['users', 'add', '--username', 'cli.officer', '--role', 'commune-officer', '--unit', '06652', ...db.flags])
      assert.equal(added.code, 0, added.stderr)
      assert.match(added.stdout, /^[a-km-zA-HJ-NP-Z2-9]{16}\n$/, 'the one-time password alone on stdout')
      const listed = JSON.parse((await runCli(['users', 'list', '--json', ...db.flags])).stdout) as {
        username: string
        must_change_password: boolean
      }[]
      assert.equal(listed.find((u) => u.username === 'cli.officer')?.must_change_password, true)
      const userAdds = JSON.parse((await runCli(['audit', '--action', 'user.add', '--json', ...db.flags])).stdout) as {
        actor: string
        target: string
      }[]
      assert.ok(userAdds.some((e) => /^cli:/.test(e.actor) && e.target === 'user:cli.officer'))
      // Exports are JSON too where they are JSON Lines: markup comes back escaped there as well.
      const jsonl = await runCli(['export', 'persons', '--format', 'jsonl', ...db.flags])
      assert.equal(jsonl.code, 0, jsonl.stderr)
      assert.doesNotMatch(jsonl.stdout, /<script>/)
      assert.match(jsonl.stdout, /\\u003cscript\\u003e/)
      const exports = JSON.parse((await runCli(['audit', '--action', 'export', '--json', ...db.flags])).stdout) as { target: string }[]
      assert.ok(exports.some((e) => e.target === 'persons'))
      const intact = await runCli(['audit', 'verify', ...db.flags])
      assert.equal(intact.code, 0, intact.stderr)
      // Archive what is there; what stays (the CLI's own later entries) still verifies.
      const archiveFile = join(tempDir(), 'audit.jsonl')
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
      const archived = await runCli(['audit', 'archive', '--before', tomorrow, '--out', archiveFile, '--json', ...db.flags])
      assert.equal(archived.code, 0, archived.stderr)
      assert.ok(JSON.parse(archived.stdout).entries > 10)
      assert.ok(readFileSync(archiveFile, 'utf8').includes('"anchor"'))
      await runCli(['audit', '--user', 'nobody', ...db.flags]) // one more entry after the anchor
      assert.equal((await runCli(['audit', 'verify', ...db.flags])).code, 0)
      // Someone with the database's keys edits an entry, with the trigger out of the way.
      const edit = await openCoso(db.target)
      try {
        await edit.pool.query('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only')
        const { rows } = await edit.pool.query<{ id: string }>(
          `UPDATE audit_entry SET actor = 'someone-else' WHERE id = (SELECT id FROM audit_entry WHERE chain_no IS NOT NULL ORDER BY chain_no DESC LIMIT 1) RETURNING id`,
        )
        await edit.pool.query('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only')
        ids.edited = rows[0]?.id as string
      } finally {
        await edit.close()
      }
      const broken = await runCli(['audit', 'verify', ...db.flags])
      assert.notEqual(broken.code, 0)
      assert.match(broken.stderr, new RegExp(ids.edited as string))
    })
  })
}
