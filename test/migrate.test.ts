// Migrations on both engines: recorded, applied once, and refused when edited afterwards.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { openDatabase } from '../src/platform/db.ts'
import { appliedMigrations, migrate } from '../src/platform/migrate.ts'
import { engines, tempDir } from './helpers.ts'

for (const engine of await engines()) {
  describe(`migrations on ${engine.name}`, { skip: engine.skip }, () => {
    test('applied in order, once; an edited one is refused with a clear message', async () => {
      const target = await engine.create({ empty: true })
      const dir = join(tempDir(), 'migrations')
      mkdirSync(dir)
      writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);\n')
      writeFileSync(join(dir, '002_b.sql'), 'CREATE TABLE b (id int PRIMARY KEY REFERENCES a);\nINSERT INTO a VALUES (1);')
      const db = await openDatabase(target.target, { migrate: false })
      try {
        assert.deepEqual(await migrate(db.pool, { dir }), ['001_a', '002_b'])
        assert.deepEqual(await migrate(db.pool, { dir }), [])
        assert.deepEqual(
          (await appliedMigrations(db.pool)).map((m) => m.name),
          ['001_a', '002_b'],
        )
        writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY);')
        await assert.rejects(migrate(db.pool, { dir }), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'MIGRATION_EDITED')
          assert.match(e.message, /Migration 001_a was edited after it was applied/)
          return true
        })
        // Restored as a Windows checkout would write it: line endings do not count as an edit.
        writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);\r\n')
        assert.deepEqual(await migrate(db.pool, { dir }), [])
        writeFileSync(join(dir, '003_bad.sql'), 'CREATE TABLE c (id int);\nSELECT no_such_function();')
        await assert.rejects(migrate(db.pool, { dir }), /Migration 003_bad failed/)
        const { rows } = await db.pool.query(`SELECT to_regclass('c') AS c`)
        assert.equal(rows[0].c, null, 'a failed migration leaves nothing behind')
      } finally {
        await db.close()
        await target.drop()
      }
    })

    test('a database migrated by a newer coso is refused', async () => {
      const target = await engine.create()
      const db = await openDatabase(target.target)
      try {
        await db.pool.query(`INSERT INTO schema_migration (name, checksum) VALUES ('29991231T0000_future', 'x')`)
        await assert.rejects(migrate(db.pool), /belongs to a newer version/)
      } finally {
        await db.close()
        await target.drop()
      }
    })
  })
}
