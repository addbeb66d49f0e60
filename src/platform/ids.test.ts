import assert from 'node:assert/strict'
import { test } from 'node:test'
import { uuidv7, uuidv7Floor } from './ids.ts'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

test('ids are version-7 UUIDs carrying the time', () => {
  const id = uuidv7(Date.UTC(2026, 10, 27))
  assert.match(id, UUID_V7)
  assert.equal(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16), Date.UTC(2026, 10, 27))
})

test('ids made in order sort in order, even within one millisecond, and never repeat', () => {
  const ids = Array.from({ length: 20000 }, () => uuidv7())
  assert.deepEqual([...ids].sort(), ids)
  assert.equal(new Set(ids).size, ids.length)
  const same = Array.from({ length: 5000 }, () => uuidv7(1_800_000_000_000))
  assert.deepEqual([...same].sort(), same)
  assert.equal(new Set(same).size, same.length)
  for (const id of same) assert.match(id, UUID_V7)
})

test('uuidv7Floor bounds the ids of its moment from below and the earlier ones from above', () => {
  const at = Date.parse('2026-11-27T10:00:00Z')
  const floor = uuidv7Floor(at)
  assert.match(floor, /^[0-9a-f]{8}-[0-9a-f]{4}-7000-8000-0{12}$/)
  assert.ok(uuidv7(at) >= floor)
  assert.ok(uuidv7(at + 5) > floor)
  assert.ok(uuidv7Floor(at - 1) < floor)
})
