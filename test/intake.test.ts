// DC01 intake through the CLI and HTTP on both engines: outcomes, legacy encodings, bad input,
// resumption after kill -9, corrections, conflicts, undo, uploads and person search.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { COSO, engines, ROOT, runCli, type Served, serve, type TestDatabase, tempDir, userWithToken } from './helpers.ts'

const HEADER = 'form_no,collected_on,collecting_unit,full_name,birth_date,sex,personal_id,occupation,household_no,relation_to_head'

interface Report {
  batch_id: string
  rows: number
  encoding: string
  outcomes: Record<'accepted' | 'accepted_with_warnings' | 'needs_correction' | 'duplicate' | 'conflict', number>
  rules: Record<string, number>
  correction_file: string | null
  unknown_columns: string[]
}

const total = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)

async function importJson(file: string, flags: string[], extra: string[] = []): Promise<Report> {
  const r = await runCli(['import', file, '--json', ...extra, ...flags])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as Report
}

function csvFile(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

for (const engine of await engines()) {
  describe(`intake on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let dir: string
    before(async () => {
      db = await engine.create()
      dir = tempDir()
    })
    after(() => db.drop())

    test('every row ends in exactly one outcome; a second import is all duplicate', async () => {
      const file = join(dir, 'f.csv')
      const g = await runCli(['generate', '--persons', '1500', '--seed', '7', '--out', file, '--error-rate', '0.1', '--dup-rate', '0.05'])
      assert.equal(g.code, 0, g.stderr)
      const rows = readFileSync(file, 'utf8').trimEnd().split('\n').length - 1
      const first = await importJson(file, db.flags)
      assert.equal(first.rows, rows)
      assert.equal(total(first.outcomes), rows)
      assert.ok(first.outcomes.accepted > rows / 2, JSON.stringify(first.outcomes))
      assert.equal(first.encoding, 'utf-8')
      assert.ok(Object.keys(first.rules).length > 0)
      const second = await importJson(file, db.flags)
      assert.notEqual(second.batch_id, first.batch_id)
      assert.deepEqual(second.outcomes, { accepted: 0, accepted_with_warnings: 0, needs_correction: 0, duplicate: rows, conflict: 0 })
    })

    test('a wrong century digit, 31/02 and a pre-2025 unit on a 2026 form: held with those three findings', async () => {
      const file = csvFile(dir, 'three.csv', [HEADER, 'A-1,10/03/2026,06664,Nguyễn Văn An,31/02/1990,Nam,022290123456,,,'])
      const report = await importJson(file, db.flags)
      assert.equal(report.outcomes.needs_correction, 1)
      assert.deepEqual(Object.keys(report.rules).sort(), ['birth-date-impossible', 'id-century-sex', 'unit-wrong-era'])
      const corrections = readFileSync(report.correction_file as string, 'utf8')
      assert.match(corrections, /coso_findings_vi/)
      assert.match(corrections, /không tồn tại/)
      assert.match(corrections, /does not exist/)
      assert.match(corrections, /06652 Phường Hà Tu/)
    })

    test('a correction replaces the held form; other content for an accepted form is a conflict', async () => {
      const held = await importJson(csvFile(dir, 'v1.csv', [HEADER, 'C-1,10/03/2026,06652,Trần Thị Bình,31/02/1991,Nữ,,,,']), db.flags)
      assert.equal(held.outcomes.needs_correction, 1)
      const fixed = await importJson(csvFile(dir, 'v2.csv', [HEADER, 'C-1,10/03/2026,06652,Trần Thị Bình,28/02/1991,Nữ,,,,']), db.flags)
      assert.equal(fixed.outcomes.accepted, 1)
      const changed = await importJson(
        csvFile(dir, 'v3.csv', [HEADER, 'C-1,10/03/2026,06652,Trần Thị Bình,28/02/1991,Nữ,,Giáo viên,,']),
        db.flags,
      )
      assert.equal(changed.outcomes.conflict, 1)
      const again = await importJson(csvFile(dir, 'v4.csv', [HEADER, 'C-1,10/03/2026,06652,Trần Thị Bình,31/02/1991,Nữ,,,,']), db.flags)
      assert.equal(again.outcomes.duplicate, 1, 'identical to a form already received, whatever its state')
    })

    test('bad input: clear errors before any row, or rows kept with their findings', async () => {
      const empty = csvFile(dir, 'empty.csv', [])
      writeFileSync(empty, '')
      let r = await runCli(['import', empty, ...db.flags])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /empty\.csv: the file is empty/)

      const headerOnly = await importJson(csvFile(dir, 'header.csv', [HEADER]), db.flags)
      assert.equal(headerOnly.rows, 0)

      r = await runCli(['import', csvFile(dir, 'nocol.csv', ['form_no,full_name,sex', '1,A,Nam']), ...db.flags])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /required column\(s\) missing: collected_on, collecting_unit, birth_date/)

      const garbage = join(dir, 'garbage.csv')
      writeFileSync(garbage, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)))
      r = await runCli(['import', garbage, ...db.flags])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /not a text file/)

      const unknown = await importJson(
        csvFile(dir, 'unknown.csv', [`${HEADER},ghi_chu`, 'U-1,10/03/2026,06652,Lê Văn Cường,1950,Nam,,,,,nhà gần chợ']),
        db.flags,
      )
      assert.deepEqual(unknown.unknown_columns, ['ghi_chu'])
      assert.equal(unknown.outcomes.accepted + unknown.outcomes.accepted_with_warnings, 1)

      const long = 'x'.repeat(200_000)
      const broken = await importJson(
        csvFile(dir, 'broken.csv', [
          HEADER,
          'B-1,10/03/2026,06652,"Phạm Văn Dũng,01/01/1980,Nam,,,,',
          'B-2,10/03/2026,06652,Vũ Thị Em,02/02/1982,Nữ,,,,',
          `B-3,10/03/2026,06652,Hồ Văn Phúc,03/03/1983,Nam,,${long},,`,
        ]),
        db.flags,
      )
      assert.equal(broken.rows, 3, 'the row after a broken quote survives')
      assert.equal(total(broken.outcomes), 3)
      assert.equal(broken.outcomes.needs_correction, 2)
      assert.equal(broken.rules['row-malformed'], 1)
      assert.equal(broken.rules['value-too-long'], 1)

      const formula = await importJson(
        csvFile(dir, 'formula.csv', [HEADER, 'F-1,10/03/2026,06652,=HYPERLINK("http://x"),31/02/1990,Nam,,@SUM(A1),,']),
        db.flags,
      )
      const text = readFileSync(formula.correction_file as string, 'utf8')
      assert.match(text, /'=HYPERLINK/)
      assert.match(text, /'@SUM/)
    })

    test('TCVN3, VNI, VIQR and CP1258 files import to the same names as UTF-8', async () => {
      const names = async (flags: string[]) => {
        const r = await runCli(['export', 'persons', '--format', 'jsonl', ...flags])
        assert.equal(r.code, 0, r.stderr)
        return r.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { full_name: string }).full_name)
          .sort()
      }
      const utf8 = join(dir, 'enc-utf8.csv')
      assert.equal((await runCli(['generate', '--persons', '200', '--seed', '11', '--out', utf8])).code, 0)
      const base = await engine.create()
      try {
        await importJson(utf8, base.flags)
        const expected = await names(base.flags)
        assert.ok(expected.length >= 200)
        for (const encoding of ['tcvn3', 'vni', 'viqr', 'cp1258']) {
          const file = join(dir, `enc-${encoding}.csv`)
          const g = await runCli(['generate', '--persons', '200', '--seed', '11', '--out', file, '--encoding', encoding])
          assert.equal(g.code, 0, g.stderr)
          assert.notDeepEqual(readFileSync(file), readFileSync(utf8))
          const target = await engine.create()
          try {
            const report = await importJson(file, target.flags)
            assert.equal(report.encoding, encoding, `detected ${report.encoding} for ${encoding}`)
            assert.deepEqual(await names(target.flags), expected, encoding)
          } finally {
            await target.drop()
          }
        }
      } finally {
        await base.drop()
      }
    })

    test('undo withdraws a batch; importing it again is accepted anew', async () => {
      const file = csvFile(dir, 'undo.csv', [HEADER, 'D-1,10/03/2026,06652,Đỗ Văn Giang,05/05/1985,Nam,022085000777,,H-9,Chủ hộ'])
      const first = await importJson(file, db.flags)
      assert.equal(first.outcomes.accepted + first.outcomes.accepted_with_warnings, 1)
      const undo = await runCli(['import', 'undo', first.batch_id, '--json', ...db.flags])
      assert.equal(undo.code, 0, undo.stderr)
      assert.deepEqual(JSON.parse(undo.stdout), { forms: 1, persons: 1 })
      const twice = await runCli(['import', 'undo', first.batch_id, ...db.flags])
      assert.notEqual(twice.code, 0)
      assert.match(twice.stderr, /already withdrawn/)
      const again = await importJson(file, db.flags)
      assert.equal(again.outcomes.accepted + again.outcomes.accepted_with_warnings, 1)
    })
  })

  describe(`intake over HTTP on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let auth: { authorization: string }
    before(async () => {
      db = await engine.create()
      auth = (await userWithToken(db.flags, 'province-admin')).auth
      server = await serve(db.flags)
    })
    after(async () => {
      await server.stop()
      await db.drop()
    })

    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify(body),
      })
    const get = async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers: auth })
      return { status: r.status, body: (await r.json()) as Record<string, unknown> & { items: Record<string, unknown>[] } }
    }
    const form = (over: Record<string, string>) => ({
      form_no: 'W-1',
      collected_on: '10/03/2026',
      collecting_unit: '06652',
      full_name: 'Nguyễn Thị Hoà',
      birth_date: '12/04/1992',
      sex: 'Nữ',
      personal_id: '022192001234',
      phone: '+84 912 345 678',
      ...over,
    })

    test('one form through the API: findings in both languages; the ID number attaches later forms', async () => {
      const bad = await post(
        '/api/forms',
        form({ form_no: 'W-0', birth_date: '31/02/1990', personal_id: '022290123456', collecting_unit: '06664' }),
      )
      const held = (await bad.json()) as { outcome: string; findings: { rule: string; message: { vi: string; en: string } }[] }
      assert.equal(held.outcome, 'needs_correction')
      assert.deepEqual(held.findings.map((f) => f.rule).sort(), ['birth-date-impossible', 'id-century-sex', 'unit-wrong-era'])
      for (const f of held.findings) assert.ok(f.message.vi && f.message.en && f.message.vi !== f.message.en)

      const ok = await post('/api/forms', form({}))
      assert.equal(((await ok.json()) as { outcome: string }).outcome, 'accepted')
      const same = await post('/api/forms', form({}))
      assert.equal(((await same.json()) as { outcome: string }).outcome, 'duplicate')
      const spelling = await post('/api/forms', form({ form_no: 'W-2', full_name: 'NGUYEN THI HOA', collected_on: '11/03/2026' }))
      assert.equal(((await spelling.json()) as { outcome: string }).outcome, 'accepted', 'a spelling difference is no disagreement')
      const other = await post('/api/forms', form({ form_no: 'W-3', full_name: 'Nguyễn Thị Lan', collected_on: '12/03/2026' }))
      const attached = (await other.json()) as { outcome: string; findings: { rule: string }[] }
      assert.equal(attached.outcome, 'accepted_with_warnings')
      assert.deepEqual(
        attached.findings.map((f) => f.rule),
        ['id-holder-differs'],
      )
      const byId = await get('/api/persons?personal_id=022192001234')
      assert.equal(byId.body.items.length, 1)
      const person = await get(`/api/persons/${byId.body.items[0]?.id}`)
      assert.equal((person.body.form_ids as string[]).length, 3)
      assert.equal(person.body.name_display, 'Nguyễn Thị Hòa')
      assert.equal(person.body.phone, '0912345678')
    })

    test('person search ignores diacritics and tone placement, filters, and pages stably', async () => {
      for (const [i, name] of ['Lê Thị Thuý', 'Lê Thị Thúy', 'LE THI THUY', 'Lê Văn Thủy'].entries()) {
        const r = await post(
          '/api/forms',
          form({
            form_no: `S-${i}`,
            full_name: name,
            personal_id: '',
            birth_date: `0${i + 1}/01/19${80 + i}`,
            phone: '',
            current_unit: '06652',
          }),
        )
        assert.equal(r.status, 200)
        assert.match(((await r.json()) as { outcome: string }).outcome, /^accepted/)
      }
      const found = await get(`/api/persons?q=${encodeURIComponent('le thi thuy')}`)
      assert.equal(found.body.items.length, 3)
      const toned = await get(`/api/persons?q=${encodeURIComponent('Lê Thị Thuý')}`)
      assert.deepEqual(toned.body.items, found.body.items)
      const given = await get('/api/persons?q=thuy&limit=2')
      assert.equal(given.body.items.length, 2)
      const page2 = await get(`/api/persons?q=thuy&limit=2&cursor=${given.body.next}`)
      assert.equal(page2.body.items.length, 2)
      assert.equal(page2.body.next, null)
      const ids = [...given.body.items, ...page2.body.items].map((p) => p.id)
      assert.equal(new Set(ids).size, 4)
      const year = await get('/api/persons?q=thuy&birth_year=1981')
      assert.equal(year.body.items.length, 1)
      const unit = await get('/api/persons?q=thuy&unit=06652')
      assert.equal(unit.body.items.length, 4)
      const elsewhere = await get('/api/persons?q=thuy&unit=06658')
      assert.equal(elsewhere.body.items.length, 0)
      const phone = await get('/api/persons?phone=0912345678')
      assert.equal(phone.body.items.length, 1)
      const denied = await fetch(`${server.url}/api/persons?q=thuy`)
      assert.equal(denied.status, 401)
    })

    test('an uploaded file is imported by a job with progress; its correction file is served', async () => {
      const dir = tempDir()
      const file = join(dir, 'up.csv')
      assert.equal((await runCli(['generate', '--persons', '400', '--seed', '5', '--out', file, '--error-rate', '0.2'])).code, 0)
      const body = new FormData()
      body.append('file', new Blob([readFileSync(file)]), 'up.csv')
      const upload = await fetch(`${server.url}/api/imports`, { method: 'POST', headers: auth, body })
      assert.equal(upload.status, 202)
      const { id } = (await upload.json()) as { id: string }
      let batch: Record<string, unknown> = {}
      for (let i = 0; i < 120; i++) {
        batch = (await get(`/api/imports/${id}`)).body
        if (batch.status === 'done' || batch.status === 'failed') break
        await new Promise((r) => setTimeout(r, 500))
      }
      assert.equal(batch.status, 'done', JSON.stringify(batch))
      assert.equal(batch.percent, 100)
      const rows = readFileSync(file, 'utf8').trimEnd().split('\n').length - 1
      assert.equal(total(batch.outcomes as Record<string, number>), rows)
      const corrections = await fetch(`${server.url}/api/imports/${id}/corrections?format=csv`, { headers: auth })
      assert.equal(corrections.status, 200)
      const text = await corrections.text()
      const held = (batch.outcomes as Record<string, number>).needs_correction ?? 0
      assert.equal(text.trimEnd().split('\n').length - 1, held)
      const forms = await get(`/api/forms?batch=${id}&state=needs_correction&limit=500`)
      assert.equal(forms.body.items.length, held)
      const completeness = await get('/api/completeness')
      assert.ok(completeness.body.items.length > 0)
      if (engine.name === 'pglite') {
        const uploads = readdirSync(join(db.flags[1] as string, 'uploads'))
        assert.ok(!uploads.some((f) => f.endsWith('up.csv')), 'an imported upload is removed')
      }
    })

    test('lists of people sort the Vietnamese way: given, middle, family name; a ă â … đ; tones last', async () => {
      // ICU's Vietnamese collation is the reference the server's key must agree with.
      const vi = new Intl.Collator('vi')
      const order = (name: string) => {
        const w = name.split(' ')
        return `${w[w.length - 1]} ${w.slice(1, -1).join(' ')} ${w.length > 1 ? w[0] : ''}`
      }
      for (const [i, full_name] of ['Trần Văn Đức', 'Lê Thị Dung', 'Phạm Thị Ánh', 'Hoàng Anh', 'Vũ Thị Ân', 'Đỗ Văn Ăn'].entries()) {
        const r = await post('/api/forms', form({ form_no: `V-${i}`, full_name, personal_id: '', phone: '' }))
        assert.match(((await r.json()) as { outcome: string }).outcome, /^accepted/)
      }
      const names: string[] = []
      for (let cursor = ''; ; ) {
        const page = await get(`/api/persons?limit=500${cursor && `&cursor=${cursor}`}`)
        names.push(...(page.body.items as { name_display: string }[]).map((p) => p.name_display))
        if (!page.body.next) break
        cursor = page.body.next as string
      }
      assert.ok(names.length > 300, `${names.length}`)
      for (let i = 1; i < names.length; i++) {
        assert.ok(vi.compare(order(names[i - 1] as string), order(names[i] as string)) <= 0, `${names[i - 1]} before ${names[i]}`)
      }
      // Not merely the order of the folded names: Ă and Â after every A, Đ after every D.
      const at = (name: string) => names.indexOf(name)
      assert.ok(at('Hoàng Anh') < at('Phạm Thị Ánh') && at('Phạm Thị Ánh') < at('Đỗ Văn Ăn') && at('Đỗ Văn Ăn') < at('Vũ Thị Ân'))
      const lastD = names.findLastIndex((n) => n.split(' ').at(-1)?.startsWith('D'))
      assert.ok(at('Lê Thị Dung') <= lastD && lastD < at('Trần Văn Đức'))
    })
  })

  test(`a killed import resumes without losing or doubling a row (${engine.name})`, { skip: engine.skip }, async () => {
    const target = await engine.create()
    const dir = tempDir()
    try {
      const file = join(dir, 'big.csv')
      assert.equal((await runCli(['generate', '--persons', '12000', '--seed', '3', '--out', file, '--error-rate', '0.05'])).code, 0)
      const rows = readFileSync(file, 'utf8').trimEnd().split('\n').length - 1
      // Killed once at least one chunk has been committed.
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [COSO, 'import', file, ...target.flags], {
          cwd: ROOT,
          env: { ...process.env, COSO_PROGRESS_MS: '0' },
        })
        child.stderr.on('data', (d: Buffer) => {
          if (/[1-9][\d.]* dòng\/rows/.test(String(d))) child.kill('SIGKILL')
        })
        child.on('close', (_code, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error('the import ended before it could be killed')),
        )
      })
      const resumed = await runCli(['import', file, '--json', ...target.flags])
      assert.equal(resumed.code, 0, resumed.stderr)
      assert.match(resumed.stderr, /resuming batch/)
      const report = JSON.parse(resumed.stdout) as Report
      assert.equal(report.rows, rows)
      assert.equal(total(report.outcomes), rows)
      assert.equal(report.outcomes.duplicate, 0, 'no row was imported twice')
      const again = await importJson(file, target.flags)
      assert.equal(again.outcomes.duplicate, rows)
    } finally {
      await target.drop()
    }
  })
}

test('the CLI rejects a bad --encoding and a missing file clearly', async () => {
  const r = await runCli(['import', '/nonexistent/file.csv'])
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /file not found: \/nonexistent\/file.csv/)
  const e = await runCli(['import', 'x.csv', '--encoding', 'latin9'])
  assert.equal(e.code, 2)
  assert.match(e.stderr, /Allowed choices are utf-8, tcvn3, vni, viqr, cp1258/)
})

test('generate is deterministic and writes its ground truth', async () => {
  const dir = tempDir()
  const a = join(dir, 'a.csv')
  const b = join(dir, 'b.csv')
  assert.equal(
    (await runCli(['generate', '--persons', '300', '--seed', '9', '--out', a, '--dup-rate', '0.2', '--error-rate', '0.3'])).code,
    0,
  )
  assert.equal(
    (await runCli(['generate', '--persons', '300', '--seed', '9', '--out', b, '--dup-rate', '0.2', '--error-rate', '0.3'])).code,
    0,
  )
  assert.deepEqual(readFileSync(a), readFileSync(b))
  const truth = readFileSync(join(dir, 'a.truth.csv'), 'utf8').trimEnd().split('\n')
  assert.equal(truth[0], 'form_no,collecting_unit,person,errors')
  assert.equal(truth.length, readFileSync(a, 'utf8').trimEnd().split('\n').length)
  const persons = new Set(truth.slice(1).map((l) => l.split(',')[2]))
  assert.equal(persons.size, 300)
  const bad = await runCli(['generate', '--persons', '10', '--out', a, '--error-rate', '2'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /a rate is between 0 and 1/)
})
