// Backups restore on the other engine; encrypted with a passphrase from the environment.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import {
  embeddedDatabase,
  postgresReachable,
  registerBeforeReform,
  runCli,
  serve,
  serverDatabase,
  tempDir,
  userWithToken,
} from './helpers.ts'

const skip = (await postgresReachable()) ? false : 'PostgreSQL server unreachable'

async function hamlets(flags: string[]) {
  const r = await runCli(['hamlets', 'list', '--unit', '06652', '--json', ...flags])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout).map((h: { name: string; id: string }) => `${h.id} ${h.name}`)
}

test('embedded → backup → PostgreSQL, and back encrypted', { skip }, async () => {
  const source = embeddedDatabase()
  const server = await serverDatabase()
  const back = embeddedDatabase({ empty: true })
  const dir = tempDir()
  try {
    assert.equal((await runCli(['hamlets', 'add', '--unit', '06652', 'Tổ 1', 'Khu "Đông" = Tây', ...source.flags])).code, 0)
    assert.equal((await runCli(['units', 'set-successor', '06682', '06685', ...source.flags])).code, 0)
    const plain = join(dir, 'plain.coso')
    const b1 = await runCli(['backup', '--out', plain, '--json', ...source.flags])
    assert.equal(b1.code, 0, b1.stderr)
    assert.match(b1.stderr, /NOT encrypted/)
    assert.equal(JSON.parse(b1.stdout).encrypted, false)

    const r1 = await runCli(['restore', plain, ...server.flags])
    assert.equal(r1.code, 0, r1.stderr)
    assert.deepEqual(await hamlets(server.flags), await hamlets(source.flags))
    const succ = await runCli(['units', 'successors', '06682', '--json', ...server.flags])
    assert.ok(JSON.parse(succ.stdout).length > 0, 'the admin-set successor came along')

    const env = { COSO_BACKUP_PASSPHRASE: 'correct horse battery staple' }
    const secret = join(dir, 'secret.coso')
    const b2 = await runCli(['backup', '--out', secret, '--json', ...server.flags], { env })
    assert.equal(JSON.parse(b2.stdout).encrypted, true)
    assert.equal(readFileSync(secret).includes(Buffer.from('Tổ 1')), false)

    const noKey = await runCli(['restore', secret, ...back.flags])
    assert.notEqual(noKey.code, 0)
    assert.match(noKey.stderr, /encrypted: set its passphrase in COSO_BACKUP_PASSPHRASE/)
    const wrong = await runCli(['restore', secret, ...back.flags], { env: { COSO_BACKUP_PASSPHRASE: 'wrong' } })
    assert.notEqual(wrong.code, 0)
    assert.match(wrong.stderr, /Wrong backup passphrase/)
    const r2 = await runCli(['restore', secret, ...back.flags], { env })
    assert.equal(r2.code, 0, r2.stderr)
    assert.deepEqual(await hamlets(back.flags), await hamlets(source.flags))

    const again = await runCli(['restore', secret, ...back.flags], { env })
    assert.notEqual(again.code, 0)
    assert.match(again.stderr, /--force/)
    const forced = await runCli(['restore', secret, '--force', ...back.flags], { env })
    assert.equal(forced.code, 0, forced.stderr)
    assert.deepEqual(await hamlets(back.flags), await hamlets(source.flags))
  } finally {
    await Promise.all([source.drop(), server.drop(), back.drop()])
  }
})

test('a damaged or truncated backup is refused and the target stays empty', async () => {
  const source = embeddedDatabase()
  const target = embeddedDatabase({ empty: true })
  const dir = tempDir()
  try {
    const file = join(dir, 'b.coso')
    assert.equal((await runCli(['backup', '--out', file, ...source.flags])).code, 0)
    const bytes = readFileSync(file)
    const truncated = join(dir, 'truncated.coso')
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    const r = await runCli(['restore', truncated, ...target.flags])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /cannot be read/)
    const garbage = join(dir, 'garbage.coso')
    writeFileSync(garbage, 'hello, not a backup')
    const g = await runCli(['restore', garbage, ...target.flags])
    assert.notEqual(g.code, 0)
    assert.match(g.stderr, /not a coso backup/)
    const ok = await runCli(['restore', file, ...target.flags])
    assert.equal(ok.code, 0, ok.stderr)
  } finally {
    await Promise.all([source.drop(), target.drop()])
  }
})

test('a restored register goes on numbering identity-card applications after the last one restored', async () => {
  const source = embeddedDatabase()
  const target = embeddedDatabase({ empty: true })
  const dir = tempDir()
  const receive = async (flags: string[], count: number): Promise<number[]> => {
    const { auth } = await userWithToken(flags, 'province-admin')
    const server = await serve(flags)
    try {
      const persons = await fetch(`${server.url}/api/persons?birth_year=1990&limit=100`, { headers: auth })
      const candidates = ((await persons.json()) as { items: { id: string; personal_id: string | null }[] }).items
      const numbers: number[] = []
      for (const p of candidates) {
        if (numbers.length === count) break
        if (!p.personal_id) continue
        const r = await fetch(`${server.url}/api/id/applications`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ person_id: p.id, kind: 'first_issue', unit_code: '06652' }),
        })
        if (r.status === 201) numbers.push(((await r.json()) as { application: { no: number } }).application.no)
      }
      assert.equal(numbers.length, count, 'applications received')
      return numbers
    } finally {
      await server.stop()
    }
  }
  try {
    await registerBeforeReform(source.flags, 600)
    const before = await receive(source.flags, 2)
    const file = join(dir, 'b.coso')
    assert.equal((await runCli(['backup', '--out', file, ...source.flags])).code, 0)
    const restored = await runCli(['restore', file, ...target.flags])
    assert.equal(restored.code, 0, restored.stderr)
    const [after] = await receive(target.flags, 1)
    assert.ok((after as number) > Math.max(...before), `slip number ${after} after ${before}`)
  } finally {
    await Promise.all([source.drop(), target.drop()])
  }
})
