// Both languages hold every key, and every key the pages use exists.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { DC01_COLUMNS } from '../../../src/intake/dc01.ts'
import { en, vi } from './messages.ts'

const SRC = join(import.meta.dirname, '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
}

test('Vietnamese and English have the same keys, none empty', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(vi).sort())
  for (const [key, text] of [...Object.entries(vi), ...Object.entries(en)]) assert.ok(text.trim().length > 0, key)
})

test('every t("…") in the pages names a key that exists', () => {
  const used = new Set<string>()
  for (const file of sources(SRC))
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"`]([\w.]+)['"`]/g)) used.add(m[1] as string)
  assert.ok(used.size > 20, `${used.size} keys used`)
  const missing = [...used].filter((k) => !(k in vi))
  assert.deepEqual(missing, [])
})

test('every DC01 field has its label in both languages (the Vietnamese one is the layout’s own)', () => {
  for (const c of DC01_COLUMNS) {
    assert.equal(vi[`dc01.${c.key}` as keyof typeof vi], c.label, c.key)
    assert.ok(en[`dc01.${c.key}` as keyof typeof en], c.key)
  }
})
