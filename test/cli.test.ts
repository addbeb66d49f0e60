// The CLI contract: results on stdout, messages on stderr, exit codes; on both engines.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { engines, runCli, type TestDatabase, tempDir } from './helpers.ts'

test('--help everywhere, exit 0', async () => {
  for (const args of [
    ['--help'],
    ['units', '--help'],
    ['units', 'list', '--help'],
    ['hamlets', 'import', '--help'],
    ['backup', '--help'],
  ]) {
    const r = await runCli(args)
    assert.equal(r.code, 0, args.join(' '))
    assert.match(r.stdout, /Usage: coso/)
  }
})

test('unknown flags, commands and bad values fail clearly without touching a database', async () => {
  const cases: [string[], RegExp][] = [
    [['units', 'list', '--colour'], /unknown option '--colour'/],
    [['units', 'list', '--era', '2030'], /era must be one of 2024, 2025/],
    [['units', 'get', '06652', '--on', '2025-02-30'], /YYYY-MM-DD/],
    [['serve', '--port', 'eighty'], /port/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['units', 'list', '--data', '/tmp/x', '--database-url', 'postgres://a@b/c'], /Choose one/],
  ]
  for (const [args, message] of cases) {
    const r = await runCli(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, message)
    assert.equal(r.stdout, '')
  }
})

test('an unreachable server is a clear error', async () => {
  const r = await runCli(['migrate', '--database-url', 'postgres://postgres@127.0.0.1:1/none'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /Cannot connect to PostgreSQL at postgresql:\/\/postgres@127.0.0.1:1\/none/)
})

for (const engine of await engines()) {
  describe(`CLI on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    before(async () => {
      db = await engine.create()
    })
    after(() => db.drop())

    test('units list/get/search/successors print JSON on stdout', async () => {
      const list = await runCli(['units', 'list', '--era', '2025', '--json', ...db.flags])
      assert.equal(list.code, 0, list.stderr)
      assert.equal(JSON.parse(list.stdout).length, 54)
      const get = await runCli(['units', 'get', '06652', '--on', '2025-01-01', '--json', ...db.flags])
      assert.equal(JSON.parse(get.stdout).name, 'Phường Hà Phong')
      const search = await runCli(['units', 'search', 'HẢI HOÀ', '--json', ...db.flags])
      assert.ok(JSON.parse(search.stdout).some((u: { code: string }) => u.code === '06742'))
      const successors = await runCli(['units', 'successors', '06886', '--json', ...db.flags])
      assert.deepEqual(
        JSON.parse(successors.stdout).map((s: { code: string }) => s.code),
        ['06799', '06886', '06970'],
      )
      const table = await runCli(['units', 'get', '06652', ...db.flags])
      assert.match(table.stdout, /Phường Hà Tu/)
      const missing = await runCli(['units', 'get', '99999', ...db.flags])
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /not found/)
    })

    test('hamlets add, list and import (bad rows named, good rows kept)', async () => {
      const add = await runCli(['hamlets', 'add', '--unit', '06652', 'Tổ 1', 'Tổ 2', '--json', ...db.flags])
      assert.equal(add.code, 0, add.stderr)
      assert.equal(JSON.parse(add.stdout).added.length, 2)
      const file = join(tempDir(), 'hamlets.csv')
      writeFileSync(file, '\ufeffMã xã,Tên thôn\n06652,Tổ 3\n12345,Thôn 9\n06652,tổ 1\n')
      const imported = await runCli(['hamlets', 'import', file, '--json', ...db.flags])
      assert.equal(imported.code, 0, imported.stderr)
      const report = JSON.parse(imported.stdout)
      assert.equal(report.added, 1)
      assert.equal(report.existing, 1)
      assert.equal(report.rejected[0].row, 3)
      const list = await runCli(['hamlets', 'list', '--unit', '06652', '--json', ...db.flags])
      assert.deepEqual(
        JSON.parse(list.stdout).map((h: { name: string }) => h.name),
        ['Tổ 1', 'Tổ 2', 'Tổ 3'],
      )
      const broken = join(tempDir(), 'broken.csv')
      writeFileSync(broken, 'unit_code,name\n06652,"Tổ 4\n')
      const bad = await runCli(['hamlets', 'import', broken, ...db.flags])
      assert.equal(bad.code, 2)
      assert.match(bad.stderr, /malformed CSV/)
      const noColumn = join(tempDir(), 'nocol.csv')
      writeFileSync(noColumn, 'code,ten\n06652,Tổ 5\n')
      const col = await runCli(['hamlets', 'import', noColumn, ...db.flags])
      assert.equal(col.code, 2)
      assert.match(col.stderr, /Missing required column "unit_code"/)
    })

    test('migrate reports the applied migrations', async () => {
      const r = await runCli(['migrate', '--json', ...db.flags])
      assert.equal(r.code, 0, r.stderr)
      const body = JSON.parse(r.stdout)
      assert.equal(body.engine, engine.name)
      assert.ok(body.migrations.some((m: { name: string }) => m.name === '20261127T0700_geo'))
    })
  })
}
