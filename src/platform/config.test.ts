import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { test } from 'node:test'
import { dbTarget, describeTarget } from './config.ts'

test('embedded ./data by default, COSO_DATA, then flags', () => {
  assert.deepEqual(dbTarget({}, {}), { engine: 'pglite', dataDir: resolve('./data') })
  assert.deepEqual(dbTarget({}, { COSO_DATA: '/var/coso' }), { engine: 'pglite', dataDir: '/var/coso' })
  assert.deepEqual(dbTarget({ data: '/x' }, { DATABASE_URL: 'postgres://a@b/c' }), { engine: 'pglite', dataDir: '/x' })
})

test('DATABASE_URL or --database-url select the server', () => {
  assert.equal(dbTarget({}, { DATABASE_URL: 'postgres://a@b/c' }).engine, 'postgresql')
  assert.equal(dbTarget({ databaseUrl: 'postgresql://a@b/c' }, {}).engine, 'postgresql')
  assert.throws(() => dbTarget({}, { DATABASE_URL: 'mysql://a@b/c' }), /postgres:\/\//)
  assert.throws(() => dbTarget({ data: '/x', databaseUrl: 'postgres://a@b/c' }, {}), /Choose one/)
})

test('descriptions never show the password', () => {
  assert.equal(describeTarget({ engine: 'postgresql', url: 'postgres://coso:s3cret@db:5432/coso' }), 'postgresql://coso@db:5432/coso')
})
