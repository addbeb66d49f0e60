import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hashPassword, oneTimePassword, passwordProblem, verifyPassword } from './password.ts'

test('the policy: 12 characters, not common (also with digits around), not the username', () => {
  assert.equal(passwordProblem('Short-1', 'an'), 'too-short')
  assert.equal(passwordProblem('ẩẩẩẩẩẩẩẩẩẩẩ', 'an'), 'too-short', 'counted in characters, not bytes')
  assert.equal(passwordProblem('password1234', 'an'), 'common')
  assert.equal(passwordProblem('123456789012', 'an'), 'common')
  assert.equal(passwordProblem('qwertyuiop12', 'an'), 'common')
  assert.equal(passwordProblem('!!Password2026', 'an'), 'common')
  assert.equal(passwordProblem('my-name-is-hatu1-ok', 'hatu1'), 'contains-username')
  assert.equal(passwordProblem('Ngựa-ô-chạy-qua-cầu-7', 'hatu1'), null)
  assert.equal(passwordProblem('correct horse battery', 'an'), null)
})

test('argon2id hashes verify the password and nothing else', async () => {
  const hash = await hashPassword('Ngựa-ô-chạy-qua-cầu-7')
  assert.match(hash, /^\$argon2id\$/)
  assert.equal(await verifyPassword(hash, 'Ngựa-ô-chạy-qua-cầu-7'), true)
  assert.equal(await verifyPassword(hash, 'Ngua-o-chay-qua-cau-7'), false)
  assert.equal(await verifyPassword('not a hash', 'x'), false)
})

test('one-time passwords: 16 characters without look-alikes, and different each time', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const p = oneTimePassword()
    assert.match(p, /^[a-km-zA-HJ-NP-Z2-9]{16}$/)
    assert.equal(passwordProblem(p, 'someone'), null)
    seen.add(p)
  }
  assert.equal(seen.size, 200)
})
