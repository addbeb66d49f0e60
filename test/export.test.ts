// `coso export forms|persons` on both engines: the DC01 layout and the current states only,
// CSV with and without BOM, XLSX read back, JSON Lines, formulas made inert, birth dates at
// their precision, and old-era units placed in today's map (or not, when the commune was split).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import { DC01_KEYS } from '../src/intake/dc01.ts'
import { engines, runCli, type TestDatabase, tempDir } from './helpers.ts'

const LISTED = ['accepted', 'accepted_with_warnings', 'needs_correction', 'conflict']
const HEADER =
  'form_no,collected_on,collecting_unit,full_name,birth_date,sex,personal_id,permanent_unit,current_unit,occupation,household_no,relation_to_head,ghi_chu'
const FORMULA = '=HYPERLINK("x")'

function write(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return path
}

function csv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true }) as Record<string, string>[]
}

async function sheet(path: string): Promise<{ header: string[]; rows: Record<string, unknown>[] }> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.readFile(path)
  const ws = book.worksheets[0]
  assert.ok(ws, 'one sheet')
  const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1)
  const header = values(1) as string[]
  const rows: Record<string, unknown>[] = []
  for (let n = 2; n <= ws.rowCount; n++) rows.push(Object.fromEntries(header.map((h, i) => [h, values(n)[i] ?? null])))
  return { header, rows }
}

test('bad values fail clearly before a database is opened', async () => {
  const cases: [string[], RegExp][] = [
    [['export', 'people', '--format', 'csv'], /forms or persons \/ xuất/],
    [['export', 'forms', '--format', 'pdf'], /csv, xlsx or jsonl \/ định dạng/],
    [['export', 'forms'], /Choose a format/],
    [
      ['export', 'persons', '--format', 'xlsx', '--bom', '--out', join(tempDir(), 'p.xlsx')],
      /--bom chỉ dùng cho CSV[\s\S]*--bom applies to CSV only/,
    ],
    [['export', 'forms', '--out', '/nonexistent-dir/f.csv'], /No directory/],
  ]
  for (const [args, message] of cases) {
    const r = await runCli([...args, '--data', join(tempDir(), 'never-opened')])
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(r.stdout, '')
  }
})

for (const engine of await engines()) {
  describe(`export on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let dir: string
    let listed = 0
    const cli = async (args: string[]) => {
      const r = await runCli([...args, ...db.flags])
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      return r
    }

    before(async () => {
      db = await engine.create()
      dir = tempDir()
      const generated = join(dir, 'f.csv')
      const g = await runCli(['generate', '--persons', '300', '--seed', '3', '--error-rate', '0.1', '--out', generated])
      assert.equal(g.code, 0, g.stderr)
      // By hand: a formula typed as an occupation and in an unknown column; persons recorded
      // before the 2025 reform in a commune that went whole (06649) and in one split three ways
      // (06886); a form held for correction, then corrected (superseded: not listed); a conflict.
      const first = write(dir, 'hand.csv', [
        HEADER,
        `TAY-1,01/10/2025,06661,Phạm Văn Công Thức,03/1950,Nam,,06661,06661,"${FORMULA.replace(/"/g, '""')}",H-900,Chủ hộ,=1+1`,
        'TAY-2,15/03/2025,06649,Đỗ Thị Hà Khánh,1950,Nữ,022150000017,06649,06649,Nông dân,,,ghi chú',
        'TAY-3,2025-03-15,06886,Hoàng Văn Hải Lạng,07/03/1950,Nam,,06886,06886,Ngư dân,,,',
        'TAY-4,02/10/2025,06661,Vũ Thị Sửa Lại,1960,X,,06661,06661,,,,',
      ])
      const second = write(dir, 'hand2.csv', [
        HEADER,
        'TAY-2,15/03/2025,06649,Đỗ Thị Hà Khánh,1950,Nữ,022150000017,06649,06649,Thợ may,,,',
        'TAY-4,02/10/2025,06661,Vũ Thị Sửa Lại,1960,Nữ,,06661,06661,,,,',
      ])
      let superseded = 0
      for (const file of [generated, first, second]) {
        const r = await cli(['import', file, '--json'])
        const report = JSON.parse(r.stdout) as { outcomes: Record<string, number> }
        listed += LISTED.reduce((n, s) => n + (report.outcomes[s] ?? 0), 0)
        if (file === second) {
          assert.equal(report.outcomes.conflict, 1, r.stdout)
          assert.equal(report.outcomes.accepted, 1, r.stdout)
          superseded = 1
        }
      }
      listed -= superseded
    })
    after(() => db.drop())

    test('forms as CSV: the DC01 header, the listed states only, no BOM unless asked, formulas inert', async () => {
      const r = await cli(['export', 'forms', '--format', 'csv'])
      assert.ok(!r.stdout.startsWith('\ufeff'), 'no BOM by default')
      assert.equal(r.stdout.split('\n')[0], [...DC01_KEYS, 'ghi_chu', 'coso_form_id', 'coso_state'].join(','))
      const rows = csv(r.stdout)
      assert.equal(rows.length, listed)
      assert.ok(rows.every((f) => LISTED.includes(f.coso_state as string)))
      assert.equal(new Set(rows.map((f) => f.coso_form_id)).size, rows.length)
      const tay1 = rows.find((f) => f.form_no === 'TAY-1')
      assert.equal(tay1?.occupation, `'${FORMULA}`)
      assert.equal(tay1?.ghi_chu, "'=1+1")
      assert.equal(tay1?.birth_date, '03/1950', 'as typed')
      assert.deepEqual(
        rows.filter((f) => f.form_no === 'TAY-4').map((f) => [f.sex, f.coso_state]),
        [['Nữ', 'accepted']],
      )
      assert.deepEqual(
        rows
          .filter((f) => f.form_no === 'TAY-2')
          .map((f) => f.coso_state)
          .sort(),
        ['accepted', 'conflict'],
      )

      const file = join(dir, 'forms-bom.csv')
      const withBom = await cli(['export', 'forms', '--format', 'csv', '--bom', '--out', file])
      assert.match(withBom.stdout, new RegExp(`forms-bom.csv: ${listed} `))
      const bytes = readFileSync(file)
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
      assert.equal(bytes.subarray(3).toString('utf8'), r.stdout)
    })

    test('forms as JSON Lines: the raw values, keyed like the CSV header', async () => {
      const r = await cli(['export', 'forms', '--format', 'jsonl'])
      const lines = r.stdout.trimEnd().split('\n')
      assert.equal(lines.length, listed)
      const forms = lines.map((l) => JSON.parse(l) as Record<string, string>)
      assert.deepEqual(Object.keys(forms[0] ?? {}), [...DC01_KEYS, 'ghi_chu', 'coso_form_id', 'coso_state'])
      const tay1 = forms.find((f) => f.form_no === 'TAY-1')
      assert.equal(tay1?.occupation, FORMULA, 'JSON is data, not a spreadsheet: kept as typed')
      assert.equal(tay1?.other_name, '')
    })

    test('forms as XLSX: text cells, leading zeros kept, formulas inert', async () => {
      const file = join(dir, 'forms.xlsx')
      await cli(['export', 'forms', '--out', file])
      const { header, rows } = await sheet(file)
      assert.deepEqual(header, [...DC01_KEYS, 'ghi_chu', 'coso_form_id', 'coso_state'])
      assert.equal(rows.length, listed)
      const tay2 = rows.find((f) => f.form_no === 'TAY-2' && f.coso_state === 'accepted')
      assert.equal(tay2?.collecting_unit, '06649')
      assert.equal(tay2?.personal_id, '022150000017')
      assert.equal(rows.find((f) => f.form_no === 'TAY-1')?.occupation, `'${FORMULA}`)
    })

    test('persons as CSV: birth dates at their precision, today’s unit or the candidates of a split one', async () => {
      const r = await cli(['export', 'persons', '--format', 'csv'])
      const persons = csv(r.stdout)
      assert.ok(persons.length > 250, String(persons.length))
      assert.equal(new Set(persons.map((p) => p.id)).size, persons.length)
      const by = (name: string) => {
        const p = persons.find((x) => x.full_name === name)
        assert.ok(p, name)
        return p
      }
      const thuc = by('Phạm Văn Công Thức')
      assert.equal(thuc.birth_date, '1950-03')
      assert.equal(thuc.sex, 'Nam')
      assert.equal(thuc.unit, '06661')
      assert.equal(thuc.occupation, `'${FORMULA}`)
      assert.ok(thuc.household_id, 'member of household H-900')
      const khanh = by('Đỗ Thị Hà Khánh')
      assert.equal(khanh.birth_date, '1950')
      assert.equal(khanh.sex, 'Nữ')
      assert.equal(khanh.personal_id, '022150000017')
      assert.equal(khanh.unit, '06658', 'Hà Khánh went whole to Cao Xanh')
      assert.equal(khanh.unit_candidates, '')
      assert.equal(khanh.occupation, 'Nông dân', 'the conflicting form changed nothing')
      const lang = by('Hoàng Văn Hải Lạng')
      assert.equal(lang.birth_date, '1950-03-07')
      assert.equal(lang.unit, '', 'split: not guessed')
      assert.equal(lang.unit_candidates, '06799|06886|06970')
      assert.equal(lang.residence_unit, '06886')
      assert.equal(lang.residence_era, '2024')
      for (const p of persons) assert.match(p.birth_date ?? '', /^$|^\d{4}(-\d{2}(-\d{2})?)?$/)
    })

    test('persons as JSON Lines: null for empty values', async () => {
      const r = await cli(['export', 'persons', '--format', 'jsonl'])
      const persons = r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, string | null>)
      const lang = persons.find((p) => p.full_name === 'Hoàng Văn Hải Lạng')
      assert.equal(lang?.unit, null)
      assert.equal(lang?.personal_id, null)
      assert.equal(lang?.household_id, null)
      assert.equal(lang?.unit_candidates, '06799|06886|06970')
      assert.ok(persons.every((p) => typeof p.id === 'string' && 'unit' in p && 'birth_date' in p))
    })

    test('persons as XLSX on stdout when it is not a terminal; IDs stay text', async () => {
      const r = await runCli(['export', 'persons', '--format', 'xlsx', ...db.flags])
      assert.equal(r.code, 0, r.stderr)
      assert.ok(r.stdout.startsWith('PK'), 'a zip')
      // runCli decodes stdout as UTF-8, which mangles the zip: read back the same export from a file.
      const file = join(dir, 'persons.xlsx')
      await cli(['export', 'persons', '--format', 'xlsx', '--out', file])
      const { header, rows } = await sheet(file)
      assert.deepEqual(header.slice(0, 8), [
        'id',
        'full_name',
        'birth_date',
        'sex',
        'personal_id',
        'unit',
        'unit_candidates',
        'household_id',
      ])
      const khanh = rows.find((p) => p.full_name === 'Đỗ Thị Hà Khánh')
      assert.equal(khanh?.personal_id, '022150000017')
      assert.equal(khanh?.unit, '06658')
      assert.equal(khanh?.birth_date, '1950')
      assert.equal(rows.find((p) => p.full_name === 'Phạm Văn Công Thức')?.occupation, `'${FORMULA}`)
      assert.ok(rows.filter((p) => typeof p.personal_id === 'string' && (p.personal_id as string).startsWith('0')).length > 100)
    })
  })
}
