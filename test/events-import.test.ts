// `coso events import` through the CLI on both engines: a generated register, an events file
// with a move, a death, a correction, a marriage, a refused row, invalid rows, hostile strings
// and a duplicate; the report, the derived state, the correction file, and importing again.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openCoso } from '../src/app.ts'
import { encode } from '../src/intake/encoding.ts'
import { csvLine, parseCsv } from '../src/platform/csv.ts'
import { engines, runCli, type TestDatabase, tempDir } from './helpers.ts'

interface Person {
  id: string
  personal_id: string
  birth_date: string
  sex: string
  unit: string
  marital_status: string
  residence_era: string
}

const HEADER = ['kind', 'effective_on', 'personal_id', 'to_unit', 'document', 'field', 'value', 'reason', 'spouse_personal_id', 'ghi_chu']
const row = (values: Partial<Record<(typeof HEADER)[number], string>>) => HEADER.map((h) => values[h] ?? '')

/** Persons living in each unit of today on a day (`coso population`: CODE<TAB>COUNT lines). */
async function population(flags: string[], on: string): Promise<Map<string, number>> {
  const r = await runCli(['population', '--on', on, ...flags])
  assert.equal(r.code, 0, r.stderr)
  return new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([unit, n]) => [unit as string, Number(n)]),
  )
}

interface Report {
  batch_id: string
  rows: number
  outcomes: { recorded: number; refused: number; invalid: number; duplicate: number }
  rules: Record<string, number>
  unknown_columns: string[]
  correction_file: string | null
}

for (const engine of await engines()) {
  describe(`events import on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let dir: string
    let persons: Person[]
    before(async () => {
      db = await engine.create()
      dir = tempDir()
      const forms = join(dir, 'f.csv')
      const g = await runCli(['generate', '--persons', '300', '--seed', '3', '--out', forms])
      assert.equal(g.code, 0, g.stderr)
      const imported = await runCli(['import', forms, ...db.flags])
      assert.equal(imported.code, 0, imported.stderr)
      const exported = await runCli(['export', 'persons', '--format', 'csv', ...db.flags])
      assert.equal(exported.code, 0, exported.stderr)
      const [header, ...rows] = parseCsv(exported.stdout)
      persons = rows.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] ?? ''])) as unknown as Person)
    })
    after(() => db.drop())

    test('each row recorded, refused, invalid or duplicate; state derived; the rows to fix in the correction file; nothing twice', async () => {
      const usable = persons.filter((p) => /^\d{12}$/.test(p.personal_id) && p.unit !== '' && p.residence_era === '2025')
      const taken = new Set<string>()
      const pick = (ok: (p: Person) => boolean) => {
        const p = usable.find((x) => !taken.has(x.id) && ok(x))
        assert.ok(p, 'a person for the test')
        taken.add(p.id)
        return p
      }
      const year = (p: Person) => Number(p.birth_date.slice(0, 4))
      const mover = pick((p) => year(p) < 2000)
      const destination = usable.find((p) => p.unit !== mover.unit)?.unit as string
      const deceased = pick((p) => p.unit !== mover.unit && p.unit !== destination)
      const corrected = pick(() => true)
      const groom = pick((p) => p.sex === 'Nam' && p.marital_status === 'Chưa kết hôn' && year(p) < 2000)
      const bride = pick((p) => p.sex === 'Nữ' && p.marital_status === 'Chưa kết hôn' && year(p) < 2000)
      const young = pick((p) => year(p) >= 1960)

      const moveRow = row({
        kind: 'move',
        effective_on: '15/03/2026',
        personal_id: mover.personal_id,
        to_unit: destination,
        document: 'QĐ 12/2026',
      })
      const lines = [
        HEADER,
        moveRow, // row 2
        row({ kind: 'Khai tử', effective_on: '2026-04-01', personal_id: deceased.personal_id, document: 'Trích lục khai tử 3' }),
        row({
          kind: 'correction',
          effective_on: '02/05/2026',
          personal_id: corrected.personal_id,
          field: 'Nghề nghiệp',
          value: 'Giáo viên',
          reason: 'Theo đơn',
        }),
        row({ kind: 'Kết hôn', effective_on: '2026-06-01', personal_id: groom.personal_id, spouse_personal_id: bride.personal_id }), // row 5
        row({ kind: 'death', effective_on: '01/01/1950', personal_id: young.personal_id, ghi_chu: 'trước ngày sinh' }), // 6: refused
        row({ kind: 'confirmation', effective_on: '31/02/2026', personal_id: corrected.personal_id }), // 7: invalid date
        row({ kind: 'confirmation', effective_on: '2026-07-01', personal_id: '099999999999', document: "=cmd|' /C calc'!A0" }), // 8: refused
        row({
          kind: 'correction',
          effective_on: '2026-07-02',
          personal_id: corrected.personal_id,
          field: 'occupation',
          value: '@SUM(A1)',
          reason: 'x'.repeat(70_000),
        }), // 9: invalid, too long
        // 10: the move again, its date written the other way: the same row.
        row({ kind: 'move', effective_on: '2026-03-15', personal_id: mover.personal_id, to_unit: destination, document: 'QĐ 12/2026' }),
      ]
      const file = join(dir, 'events.csv')
      writeFileSync(file, `\ufeff${lines.map((l) => csvLine(l, false)).join('\r\n')}\r\n`)

      const before = await population(db.flags, '2026-03-14')
      const run = await runCli(['events', 'import', file, '--json', ...db.flags])
      assert.equal(run.code, 0, run.stderr)
      const report = JSON.parse(run.stdout) as Report
      assert.deepEqual(report.outcomes, { recorded: 4, refused: 2, invalid: 2, duplicate: 1 }, run.stdout)
      assert.equal(report.rows, 9)
      assert.equal(report.rules['before-birth'], 1)
      assert.equal(report.rules['person-unknown'], 1)
      assert.equal(report.rules['date-impossible'], 1)
      assert.equal(report.rules['value-too-long'], 1)
      assert.equal(report.rules.duplicate, 1)
      assert.deepEqual(report.unknown_columns, ['ghi_chu'])
      assert.equal(report.correction_file, join(dir, 'events.corrections.csv'))
      assert.ok(!run.stdout.includes(mover.personal_id), 'no personal data in the report')

      // The move changed the population from its day on, in both units, and nothing before it.
      const dayBefore = await population(db.flags, '2026-03-14')
      const day = await population(db.flags, '2026-03-15')
      assert.deepEqual(dayBefore, before)
      assert.equal(day.get(mover.unit), (before.get(mover.unit) ?? 0) - 1)
      assert.equal(day.get(destination), (before.get(destination) ?? 0) + 1)
      for (const [unit, n] of day) if (unit !== mover.unit && unit !== destination) assert.equal(n, before.get(unit), unit)

      const text = await runCli(['events', 'import', file, ...db.flags])
      assert.equal(text.code, 0, text.stderr)
      assert.match(text.stdout, /ghi \/ recorded 0 · bị từ chối \/ refused 2 · không hợp lệ \/ invalid 2 · trùng \/ duplicate 5/)
      assert.match(text.stdout, /tệp sửa lỗi \/ correction file: .*events\.corrections\.csv/)

      // The correction file: the input's columns, then ours; exactly the rows to fix, formulas neutralised.
      const raw = readFileSync(join(dir, 'events.corrections.csv'), 'utf8')
      assert.ok(raw.startsWith('\ufeff'), 'a byte-order mark for Excel')
      const [header, ...bad] = parseCsv(raw)
      assert.deepEqual(header, [...HEADER, 'coso_row', 'coso_outcome', 'coso_rules', 'coso_columns', 'coso_reasons_vi', 'coso_reasons_en'])
      const at = (name: string) => (header as string[]).indexOf(name)
      assert.deepEqual(
        bad.map((r) => [r[at('coso_row')], r[at('coso_outcome')], r[at('coso_rules')]]),
        [
          ['6', 'refused', 'before-birth'],
          ['7', 'invalid', 'date-impossible'],
          ['8', 'refused', 'person-unknown'],
          ['9', 'invalid', 'value-too-long'],
        ],
      )
      for (const r of bad) assert.ok((r[at('coso_reasons_vi')] as string).length > 0 && (r[at('coso_reasons_en')] as string).length > 0)
      assert.match(bad[0]?.[at('coso_reasons_en')] as string, /before this person's date of birth/)
      assert.match(bad[1]?.[at('coso_reasons_vi')] as string, /effective_on/)
      assert.equal(bad[0]?.[at('ghi_chu')], 'trước ngày sinh', 'the sender’s own columns come back')
      assert.equal(bad[2]?.[at('document')], "'=cmd|' /C calc'!A0", 'a formula is neutralised')
      assert.equal(bad[3]?.[at('value')], "'@SUM(A1)")
      assert.ok((bad[3]?.[at('reason')] ?? '').length <= 32767, 'no cell longer than Excel takes')
      assert.ok(!raw.includes(groom.personal_id), 'recorded rows are not in it')

      // The register: events of the batch, the derived person rows, the audit entries.
      const coso = await openCoso(db.target)
      try {
        const events = await coso.pool.query<{ kind: string; person_id: string }>(
          'SELECT kind, person_id FROM event WHERE batch_id = $1 ORDER BY recorded_at, kind',
          [report.batch_id],
        )
        assert.equal(events.rows.length, 5, 'a marriage writes both spouses’ events')
        // The second run of the same file recorded nothing.
        const all = await coso.pool.query<{ kind: string; n: number }>(
          'SELECT kind, count(*)::int AS n FROM event WHERE batch_id IS NOT NULL GROUP BY kind ORDER BY kind',
        )
        assert.deepEqual(all.rows, [
          { kind: 'correction', n: 1 },
          { kind: 'death', n: 1 },
          { kind: 'marriage', n: 2 },
          { kind: 'move', n: 1 },
        ])
        const person = async (id: string) =>
          (
            await coso.pool.query<{ died_on: string | null; occupation: string | null; marital_status: string | null; unit_code: string }>(
              'SELECT died_on::text AS died_on, occupation, marital_status, unit_code FROM person WHERE id = $1',
              [id],
            )
          ).rows[0]
        assert.equal((await person(deceased.id))?.died_on, '2026-04-01')
        assert.equal((await person(corrected.id))?.occupation, 'Giáo viên')
        assert.equal((await person(groom.id))?.marital_status, 'Đã kết hôn')
        assert.equal((await person(bride.id))?.marital_status, 'Đã kết hôn')
        assert.equal((await person(mover.id))?.unit_code, destination)
        assert.equal((await person(young.id))?.died_on, null)
        const audit = await coso.pool.query<{ action: string; outcome: string; n: number }>(
          "SELECT action, outcome, count(*)::int AS n FROM audit_entry WHERE action LIKE 'event%' GROUP BY 1, 2 ORDER BY 1, 2",
        )
        const ok = audit.rows.filter((r) => r.outcome === 'ok')
        assert.deepEqual(
          ok.map((r) => [r.action, r.n]),
          [
            ['event.correction', 1],
            ['event.death', 1],
            ['event.marriage', 1],
            ['event.move', 1],
            ['events.import', 2],
          ],
        )
        // The refused death was attempted on the young person's record, twice (two runs).
        const refused = await coso.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM audit_entry WHERE action = 'event.death' AND outcome = 'failed' AND person_id = $1",
          [young.id],
        )
        assert.equal(refused.rows[0]?.n, 2)
      } finally {
        await coso.close()
      }

      // The correction file imports as it is (its coso_ columns ignored): the same rows, nothing recorded.
      const again = await runCli(['events', 'import', join(dir, 'events.corrections.csv'), '--json', ...db.flags])
      assert.equal(again.code, 0, again.stderr)
      const second = JSON.parse(again.stdout) as Report
      assert.deepEqual(second.outcomes, { recorded: 0, refused: 2, invalid: 2, duplicate: 0 })
      assert.deepEqual(second.unknown_columns, ['ghi_chu'])
    })

    test('an old TCVN3 sheet with a Vietnamese header: detected, its labels and kinds read', async () => {
      const person = persons.filter((p) => /^\d{12}$/.test(p.personal_id)).at(-1) as Person
      const text = [
        'Loại sự kiện,Ngày hiệu lực,Số định danh cá nhân,Giấy tờ,Đến ngày',
        `Xác nhận thông tin,01/10/2026,${person.personal_id},Xác nhận tại nhà theo đơn của gia đình,`,
        `Tạm vắng,2026-10-02,${person.personal_id},Đi làm ăn xa ở thành phố Hồ Chí Minh,01/04/2027`,
      ].join('\r\n')
      const file = join(dir, 'tcvn3.csv')
      writeFileSync(file, encode(text, 'tcvn3'))
      const r = await runCli(['events', 'import', file, '--json', ...db.flags])
      assert.equal(r.code, 0, r.stderr)
      const report = JSON.parse(r.stdout) as Report & { encoding: string }
      assert.equal(report.encoding, 'tcvn3')
      assert.deepEqual(report.outcomes, { recorded: 2, refused: 0, invalid: 0, duplicate: 0 }, r.stdout)
      const coso = await openCoso(db.target)
      try {
        const { rows } = await coso.pool.query<{ kind: string; document: string; details: { until: string | null } }>(
          'SELECT kind, document, details FROM event WHERE batch_id = $1 ORDER BY effective_on',
          [report.batch_id],
        )
        assert.deepEqual(
          rows.map((e) => [e.kind, e.document]),
          [
            ['confirmation', 'Xác nhận tại nhà theo đơn của gia đình'],
            ['temporary_absence', 'Đi làm ăn xa ở thành phố Hồ Chí Minh'],
          ],
        )
        assert.equal(rows[1]?.details.until, '2027-04-01')
      } finally {
        await coso.close()
      }
    })

    test('a file that cannot be an events file says why, before any row', async () => {
      const wrong = join(dir, 'wrong.csv')
      writeFileSync(wrong, 'form_no,full_name\n1,Nguyễn Văn An\n')
      const r = await runCli(['events', 'import', wrong, ...db.flags])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /required column\(s\) missing: kind, effective_on/)
      assert.match(r.stderr, /thiếu cột bắt buộc kind, effective_on/)
      const empty = join(dir, 'empty.csv')
      writeFileSync(empty, '')
      assert.match((await runCli(['events', 'import', empty, ...db.flags])).stderr, /the file is empty/)
      const missing = await runCli(['events', 'import', join(dir, 'nope.csv'), ...db.flags])
      assert.equal(missing.code, 2)
      assert.match(missing.stderr, /file not found/)
    })
  })
}
