import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CsvParser, MAX_FIELD, MAX_RECORD, parseCsvText } from './csv.ts'

const cells = (text: string) => parseCsvText(text).map((r) => r.cells)

test('plain, quoted, escaped quotes, embedded commas and newlines, CRLF', () => {
  assert.deepEqual(cells('a,b,c\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n'), [
    ['a', 'b', 'c'],
    ['1', 'x, y', 'say "hi"'],
    ['2', 'two\nlines', ''],
  ])
})

test('no final newline, blank lines skipped, empty cells kept', () => {
  assert.deepEqual(cells('a,b\n\n,\n1,2'), [
    ['a', 'b'],
    ['', ''],
    ['1', '2'],
  ])
})

test('lines of records are counted across quoted newlines', () => {
  const records = parseCsvText('h\n"a\nb"\nc\n')
  assert.deepEqual(
    records.map((r) => r.line),
    [1, 2, 4],
  )
})

test('the same records whatever the chunking', () => {
  const text = 'form_no,full_name\n1,"Nguyễn ""An"", Văn"\r\n2,"x\ny"\n3,Trần Thị Thủy\n4,"end"'
  const whole = cells(text)
  for (let size = 1; size <= text.length; size++) {
    const parser = new CsvParser()
    const got = []
    for (let i = 0; i < text.length; i += size) got.push(...parser.push(text.slice(i, i + size)))
    got.push(...parser.end())
    assert.deepEqual(
      got.map((r) => r.cells),
      whole,
      `chunk size ${size}`,
    )
  }
})

test('an unclosed quote is reported on its row and later rows survive', () => {
  const records = parseCsvText('a,b\n1,"broken\n2,ok\n3,fine\n')
  assert.equal(records.length, 4)
  assert.match(records[1]?.problem ?? '', /unclosed quote/)
  assert.deepEqual(records[1]?.cells, ['1', 'broken'])
  assert.deepEqual(records[2]?.cells, ['2', 'ok'])
  assert.deepEqual(records[3]?.cells, ['3', 'fine'])
  const many = parseCsvText(`a\n"open\n${'x\n'.repeat(50)}`)
  assert.match(many[1]?.problem ?? '', /unclosed quote/)
  assert.equal(many.length, 52)
})

test('text after a closing quote is kept and noted', () => {
  const [, r] = parseCsvText('a,b\n"x"y,z\n')
  assert.deepEqual(r?.cells, ['xy', 'z'])
  assert.match(r?.problem ?? '', /after a closing quote/)
})

test('overlong fields are cut and their length reported; memory stays bounded', () => {
  const long = 'x'.repeat(MAX_FIELD + 10)
  const [, r] = parseCsvText(`a,b\n1,${long}\n2,"${long}"\n`)
  assert.equal(r?.cells[1]?.length, MAX_FIELD)
  assert.equal(r?.overlong?.[1], MAX_FIELD + 10)
  const parser = new CsvParser()
  const out = parser.push('a\n')
  for (let i = 0; i < 10; i++) out.push(...parser.push('y'.repeat(MAX_RECORD / 4)))
  out.push(...parser.push('\nnext\n'), ...parser.end())
  assert.match(out[1]?.problem ?? '', /row longer than/)
  assert.deepEqual(out[out.length - 1]?.cells, ['next'])
})
