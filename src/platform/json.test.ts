import assert from 'node:assert/strict'
import { test } from 'node:test'
import { escapeMarkup } from './json.ts'

test('markup characters are escaped and the JSON means the same', () => {
  const value = { name: '<script>alert("x&y")</script>', note: 'a > b' }
  const safe = escapeMarkup(JSON.stringify(value))
  assert.doesNotMatch(safe, /[<>&]/)
  assert.deepEqual(JSON.parse(safe), value)
})
