// The audit log's hash chain: each sealed entry's hash covers its content and the hash of the
// entry before it, so editing or removing any entry breaks every hash after it.
import { createHash } from 'node:crypto'

/** An entry as the chain sees it: its stored fields in text, `at` in microseconds since 1970. */
export interface ChainEntry {
  id: string
  chain_no: number
  at_us: string
  actor: string
  actor_id: string | null
  action: string
  outcome: string
  person_id: string | null
  target: string | null
  details: unknown
  address: string | null
  request_id: string | null
}

export const GENESIS = '0'.repeat(64)

export function entryHash(previous: string, e: ChainEntry): string {
  const content = JSON.stringify([
    e.chain_no,
    e.id,
    e.at_us,
    e.actor,
    e.actor_id,
    e.action,
    e.outcome,
    e.person_id,
    e.target,
    e.details,
    e.address,
    e.request_id,
  ])
  return createHash('sha256').update(previous).update('\n').update(content).digest('hex')
}

export type Break = { chain_no: number; id: string | null; reason: 'altered' | 'missing' }

/**
 * Checks entries in chain order from an anchor (the genesis, or the last archived hash).
 * Returns the first break, or null with the last hash when the chain holds.
 */
export function verifyChain(
  anchor: { chain_no: number; hash: string },
  entries: Iterable<ChainEntry & { hash: string }>,
): { break: Break | null; last: { chain_no: number; hash: string } } {
  let previous = anchor
  for (const e of entries) {
    if (e.chain_no !== previous.chain_no + 1) {
      return { break: { chain_no: previous.chain_no + 1, id: null, reason: 'missing' }, last: previous }
    }
    if (entryHash(previous.hash, e) !== e.hash) return { break: { chain_no: e.chain_no, id: e.id, reason: 'altered' }, last: previous }
    previous = { chain_no: e.chain_no, hash: e.hash }
  }
  return { break: null, last: previous }
}
