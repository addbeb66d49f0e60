import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type ChainEntry, entryHash, GENESIS, verifyChain } from './chain.ts'

function chain(n: number, anchor = { chain_no: 0, hash: GENESIS }) {
  const out: (ChainEntry & { hash: string })[] = []
  let previous = anchor
  for (let i = 1; i <= n; i++) {
    const e: ChainEntry = {
      id: `0000000${i}`,
      chain_no: anchor.chain_no + i,
      at_us: String(1_700_000_000_000_000 + i),
      actor: i % 2 ? 'hatu' : 'cli:root',
      actor_id: null,
      action: 'person.read',
      outcome: 'ok',
      person_id: null,
      target: null,
      details: { query: { q: `Nguyễn ${i}` } },
      address: '10.0.0.1',
      request_id: null,
    }
    const hash = entryHash(previous.hash, e)
    out.push({ ...e, hash })
    previous = { chain_no: e.chain_no, hash }
  }
  return out
}

test('an intact chain verifies and ends at its last hash', () => {
  const entries = chain(5)
  const result = verifyChain({ chain_no: 0, hash: GENESIS }, entries)
  assert.equal(result.break, null)
  assert.deepEqual(result.last, { chain_no: 5, hash: entries[4]?.hash })
})

test('an edited field, a removed entry or a different anchor is found and named', () => {
  const edited = chain(5)
  ;(edited[2] as ChainEntry).actor = 'someone-else'
  assert.deepEqual(verifyChain({ chain_no: 0, hash: GENESIS }, edited).break, { chain_no: 3, id: '00000003', reason: 'altered' })
  const details = chain(5)
  ;(details[4] as ChainEntry).details = { query: { q: 'Nguyễn 4' } }
  assert.equal(verifyChain({ chain_no: 0, hash: GENESIS }, details).break?.chain_no, 5)
  const removed = chain(5)
  removed.splice(1, 1)
  assert.deepEqual(verifyChain({ chain_no: 0, hash: GENESIS }, removed).break, { chain_no: 2, id: null, reason: 'missing' })
  assert.equal(verifyChain({ chain_no: 0, hash: 'f'.repeat(64) }, chain(2)).break?.reason, 'altered')
})

test('a chain continued from an archive anchor verifies from that anchor', () => {
  const first = chain(3)
  const anchor = { chain_no: 3, hash: (first[2] as { hash: string }).hash }
  const rest = chain(2, anchor)
  assert.equal(verifyChain(anchor, rest).break, null)
  assert.notEqual(verifyChain({ chain_no: 0, hash: GENESIS }, rest).break, null)
})
