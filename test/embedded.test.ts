// Embedded-engine hygiene: one process per data directory, half-initialised directories,
// a clean stop on SIGTERM/SIGINT that keeps the data.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { getJson, runCli, serve, tempDir, userWithToken } from './helpers.ts'

test('a second process on the same data directory exits non-zero naming the first; the first keeps serving', async () => {
  const dir = tempDir()
  const first = await serve(['--data', dir])
  try {
    const pid = JSON.parse(readFileSync(join(dir, 'coso.lock'), 'utf8')).pid
    const second = await runCli(['serve', '--port', '0', '--data', dir])
    assert.notEqual(second.code, 0)
    assert.match(second.stderr, /in use by another coso process/)
    assert.match(second.stderr, new RegExp(`pid ${pid}`))
    const other = await runCli(['units', 'list', '--data', dir])
    assert.notEqual(other.code, 0)
    assert.match(other.stderr, /đang được một tiến trình coso khác sử dụng/)
    const health = await getJson(`${first.url}/api/health`)
    assert.equal(health.body.engine, 'pglite')
  } finally {
    assert.equal(await first.stop('SIGTERM'), 0)
  }
  assert.equal(existsSync(join(dir, 'coso.lock')), false)
})

test('SIGINT checkpoints and closes; written data survives the restart', async () => {
  const dir = tempDir()
  const { auth } = await userWithToken(['--data', dir], 'province-admin')
  const first = await serve(['--data', dir])
  const add = await fetch(`${first.url}/api/units/06652/hamlets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ names: ['Tổ 7'] }),
  })
  assert.equal(add.status, 201)
  assert.equal(await first.stop('SIGINT'), 0)
  const again = await serve(['--data', dir])
  try {
    const list = await getJson(`${again.url}/api/units/06652/hamlets`)
    assert.deepEqual(
      list.body.items.map((h: { name: string }) => h.name),
      ['Tổ 7'],
    )
  } finally {
    await again.stop()
  }
})

test('a stale lock left by a dead process is taken over', async () => {
  const dir = tempDir()
  await runCli(['migrate', '--data', dir])
  writeFileSync(join(dir, 'coso.lock'), JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), since: '' }))
  const result = await runCli(['migrate', '--data', dir, '--json'])
  assert.equal(result.code, 0, result.stderr)
})

test('a half-initialised directory is detected and explained', async () => {
  const dir = tempDir()
  mkdirSync(join(dir, 'pgdata'))
  writeFileSync(join(dir, 'pgdata', 'PG_VERSION'), '18\n')
  const result = await runCli(['migrate', '--data', dir])
  assert.notEqual(result.code, 0)
  assert.match(result.stderr, /half-initialised/)
  assert.match(result.stderr, /khởi tạo một nửa/)
})

test('a directory holding other files is refused', async () => {
  const dir = tempDir()
  writeFileSync(join(dir, 'notes.txt'), 'not a database')
  const result = await runCli(['migrate', '--data', dir])
  assert.notEqual(result.code, 0)
  assert.match(result.stderr, /not a coso data directory/)
})

test('COSO_DATA chooses the directory when --data is absent', async () => {
  const dir = tempDir()
  const result = await runCli(['migrate', '--json'], { env: { COSO_DATA: dir } })
  assert.equal(result.code, 0, result.stderr)
  assert.equal(JSON.parse(result.stdout).engine, 'pglite')
  assert.ok(existsSync(join(dir, 'pgdata')))
})
