// The audit log after writing: sealing entries into the hash chain, verifying it, archiving
// old sealed segments to a file, and the auditor's queries.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type pg from 'pg'
import { provinceCode } from '../platform/config.ts'
import { type Db, inTransaction } from '../platform/db.ts'
import { badInput } from '../platform/errors.ts'
import type { Logger } from '../platform/log.ts'
import { type Break, entryHash, GENESIS, verifyChain } from './chain.ts'
import * as q from './queries.ts'

const PAGE = 5000

/** Seals every entry written so far, in one chain per province. Returns how many it sealed. */
export async function seal(db: Db): Promise<number> {
  const province = provinceCode()
  let sealed = 0
  for (;;) {
    const n = await inTransaction(db, async (client) => {
      // One sealer at a time, whatever process it runs in.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('coso.audit.seal.' || $1))`, [province])
      const head = (await q.chainHead(client, province)) ?? (await q.lastArchive(client, province)) ?? { chain_no: 0, hash: GENESIS }
      const entries = await q.unsealed(client, province, PAGE)
      let previous = head
      const seals = entries.map((e) => {
        const chain_no = previous.chain_no + 1
        const hash = entryHash(previous.hash, { ...e, chain_no })
        previous = { chain_no, hash }
        return { id: e.id, chain_no, hash }
      })
      if (seals.length > 0) await q.seal(client, province, seals)
      return seals.length
    })
    sealed += n
    if (n < PAGE) return sealed
  }
}

/** Seals within seconds of each write, for as long as the server runs. */
export function startSealing(db: Db, logger: Logger, everyMs = 2000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = seal(db).catch((error: unknown) => logger.error({ err: String(error) }, 'audit sealing failed'))
  }, everyMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}

export interface Verification {
  ok: boolean
  checked: number
  unsealed: number
  anchor: { chain_no: number; hash: string }
  last: { chain_no: number; hash: string }
  break: Break | null
}

/** Walks the chain from its anchor (the genesis or the last archived hash) and names the first break. */
export async function verify(db: Db): Promise<Verification> {
  const province = provinceCode()
  const anchor = (await q.lastArchive(db.pool, province)) ?? { chain_no: 0, hash: GENESIS }
  let last = anchor
  let checked = 0
  for (;;) {
    const page = await q.sealedPage(db.pool, province, last.chain_no, PAGE)
    const result = verifyChain(last, page)
    checked += page.length
    if (result.break)
      return { ok: false, checked, unsealed: await q.unsealedCount(db.pool, province), anchor, last: result.last, break: result.break }
    last = result.last
    if (page.length < PAGE) break
  }
  return { ok: true, checked, unsealed: await q.unsealedCount(db.pool, province), anchor, last, break: null }
}

/**
 * Writes the sealed entries older than `before` to a JSON-lines file (each line an entry with
 * its chain number and hash; the last line the anchor), records the anchor and removes them.
 * What stays still verifies from that anchor; the file verifies from the previous one.
 */
export async function archive(
  db: Db,
  before: string,
  file: string,
): Promise<{ entries: number; anchor: { chain_no: number; hash: string } | null }> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(before)) {
    throw badInput(
      { vi: `Ngày "${before}" không hợp lệ: dùng dạng YYYY-MM-DD.`, en: `Invalid date "${before}": use YYYY-MM-DD.` },
      { field: 'before' },
    )
  }
  await seal(db)
  const checked = await verify(db)
  if (!checked.ok) {
    throw badInput(
      {
        vi: 'Nhật ký đã bị sửa: không lưu trữ khi chuỗi băm đứt.',
        en: 'The log was altered: it is not archived while the chain is broken.',
      },
      { break: checked.break },
    )
  }
  const province = provinceCode()
  return inTransaction(db, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('coso.audit.seal.' || $1))`, [province])
    const start = (await q.lastArchive(client, province)) ?? { chain_no: 0, hash: GENESIS }
    const { rows } = await client.query(
      `SELECT max(chain_no)::int AS upto FROM audit_entry WHERE province_code = $1 AND chain_no IS NOT NULL AND at < $2::date`,
      [province, before],
    )
    const upTo = rows[0].upto as number | null
    if (upTo === null) return { entries: 0, anchor: null }
    const out = createWriteStream(file, { flags: 'wx' })
    let anchor = start
    let entries = 0
    for (let after = start.chain_no; after < upTo; ) {
      const page = (await q.sealedPage(client, province, after, PAGE)).filter((e) => e.chain_no <= upTo)
      if (page.length === 0) break
      for (const e of page) if (!out.write(`${JSON.stringify(e)}\n`)) await once(out, 'drain')
      const last = page[page.length - 1] as (typeof page)[number]
      anchor = { chain_no: last.chain_no, hash: last.hash }
      after = last.chain_no
      entries += page.length
    }
    out.end(`${JSON.stringify({ anchor, starts_after: start })}\n`)
    await once(out, 'finish')
    await q.insertArchive(client, province, { chain_no: anchor.chain_no, hash: anchor.hash, file, entries })
    await q.deleteArchived(client, province, anchor.chain_no)
    return { entries, anchor }
  })
}

export async function entries(db: Pick<pg.Pool, 'query'>, filter: q.AuditFilter): Promise<q.AuditRow[]> {
  return q.auditEntries(db, provinceCode(), filter)
}
