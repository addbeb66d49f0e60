// Deduplication, blocking (pure): which pairs of persons are worth comparing at all. A pair is a
// candidate when it shares the key of at least one rule (an OR of equality rules, NOTES §3).
// Each rule's pairs are counted before any is made, and a block too large to be informative (a
// "hot" block) is skipped and counted, never silently truncated.
import type { Field, Prepared } from './compare.ts'

/**
 * The rules, in bit order (bit i of a pair's rule mask = BLOCK_RULES[i]; at most eight, the mask
 * is a byte). Never family name alone: Nguyễn would make one block of ~40% of the province.
 */
export const BLOCK_RULES = [
  /** Personal ID, or old ID. */
  'id',
  /** Full birth date + given name (fold). */
  'birthGiven',
  /** Birth year + given name (fold) + family class (fold, Hoàng/Huỳnh and Vũ/Võ as one). */
  'yearGivenFamily',
  /** Full birth date + family class + residence unit: given names typed beyond recognition. */
  'birthFamilyUnit',
  /** Household (register-wide number, or unit + local number), or unit + address; + given name (fold). */
  'householdGiven',
  /** Household + birth year: a given name typed beyond recognition within a household (twins are in it too). */
  'householdYear',
  /** Phone, last nine digits. */
  'phone',
  /** Full birth date with day and month read either way round + given name (fold). */
  'swapGiven',
] as const
export type BlockRule = (typeof BLOCK_RULES)[number]

/**
 * The comparison fields each rule's key is made of: inside a rule's blocks these agree whether
 * the pair is one person or not, so that rule's pairs say nothing about them (the model holds
 * them out when it estimates m from those pairs).
 */
export const RULE_FIELDS: Record<BlockRule, readonly Field[]> = {
  id: ['id'],
  birthGiven: ['birth', 'given'],
  yearGivenFamily: ['birth', 'given', 'family'],
  birthFamilyUnit: ['birth', 'family', 'residence'],
  householdGiven: ['household', 'residence', 'given'],
  householdYear: ['household', 'birth'],
  phone: ['phone'],
  swapGiven: ['birth', 'given'],
}

/** The rules whose bits are set in a pair's mask. */
export function rulesOf(mask: number): BlockRule[] {
  return BLOCK_RULES.filter((_, i) => (mask & (1 << i)) !== 0)
}

/** One key as up to four numbers (values and hashes of texts, from Prepared). */
type Emit = (a: number, b: number, c: number, d: number) => void

/**
 * Calls emit with each of p's keys for one rule (none when p lacks a value the rule needs). Keys
 * are made of numbers, not texts: a province has some fifteen million of them, and building and
 * hashing that many strings took longer than everything else in blocking.
 */
function ruleKeys(p: Prepared, rule: BlockRule, emit: Emit): void {
  const given = p.given.foldHash // 0 = no given name
  const family = p.family.foldHash
  const fullDate = p.birthPrecision === 3
  switch (rule) {
    case 'id':
      if (p.idHigh >= 0) emit(1, p.idHigh, p.idLow, 0)
      if (p.oldIdHigh >= 0) emit(2, p.oldIdHigh, p.oldIdLow, 0)
      return
    case 'birthGiven':
      if (fullDate && given) emit(p.birthYmd, given, 0, 0)
      return
    case 'yearGivenFamily':
      if (p.birthPrecision > 0 && given && family) emit(p.birthYear, given, family, 0)
      return
    case 'birthFamilyUnit':
      if (fullDate && family && p.unitHash) emit(p.birthYmd, family, p.unitHash, 0)
      return
    case 'householdGiven':
      if (!given) return
      if (p.householdHash) emit(1, p.householdHash, given, 0)
      if (p.addressHash) emit(2, p.unitHash, p.addressHash, given)
      return
    case 'householdYear':
      if (p.householdHash && p.birthPrecision > 0) emit(p.householdHash, p.birthYear, 0, 0)
      return
    case 'phone':
      if (p.phoneNumber >= 0) emit(p.phoneNumber, 0, 0, 0)
      return
    case 'swapGiven': {
      // Day and month in either order give the same key; only a day that could be a month swaps.
      const { birthDay: d, birthMonth: m } = p
      if (fullDate && given && d <= 12 && d !== m) emit(p.birthYear, Math.min(d, m) * 100 + Math.max(d, m), given, 0)
      return
    }
  }
}

/** One step of murmur3 (32 bits): h with x mixed in. */
function mix(h: number, x: number): number {
  let k = Math.imul(x, 0xcc9e2d51)
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** murmur3's finish: every input bit moves every output bit. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** A key's 64-bit hash as two 32-bit halves, from two differently seeded murmur3 runs. */
const keyHigh = (a: number, b: number, c: number, d: number) => finish(mix(mix(mix(mix(0x9747b28c, a), b), c), d))
const keyLow = (a: number, b: number, c: number, d: number) => finish(mix(mix(mix(mix(0x5bd1e995, a), b), c), d))

/**
 * Every blocking key of one person, as text (for checking one new form against an index of the
 * register's keys): two persons share a block of a rule when they have a key of it in common.
 */
export function blockingKeys(p: Prepared): Array<{ rule: BlockRule; key: string }> {
  const out: Array<{ rule: BlockRule; key: string }> = []
  for (const rule of BLOCK_RULES) {
    ruleKeys(p, rule, (a, b, c, d) => {
      const hex = (x: number) => x.toString(16).padStart(8, '0')
      out.push({ rule, key: hex(keyHigh(a, b, c, d)) + hex(keyLow(a, b, c, d)) })
    })
  }
  return out
}

export interface RuleCounts {
  /** Blocks of two or more persons that were kept. */
  blocks: number
  /** Pairs in the kept blocks (a pair in two blocks of the rule counts twice). */
  pairs: number
  /** Blocks larger than maxBlock, skipped. */
  capped: number
  /** Pairs the capped blocks would have made. */
  cappedPairs: number
  /** Size of the largest kept block. */
  largest: number
}

export interface CandidatePairs {
  /** Number of unique pairs. */
  count: number
  /**
   * Pair i is (a[i], b[i]) with a[i] < b[i], ids of Prepared; block by block. a, b and rules are
   * views of arrays sized by the rules' pair counts (9 bytes a pair).
   */
  a: Uint32Array
  b: Uint32Array
  /** Bit r set when BLOCK_RULES[r] found pair i. */
  rules: Uint8Array
  perRule: Record<BlockRule, RuleCounts>
}

export interface BlockingOptions {
  /** A block of more persons than this is skipped (and counted as capped). */
  maxBlock: number
  /** Called with each rule's counts before any pair is made, to log them. */
  onCounts?: (perRule: Record<BlockRule, RuleCounts>) => void
}

/** A growable list of 32-bit integers. */
class IntList {
  data: Int32Array
  length = 0
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity))
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }
}

// Where the high and the low half of a 64-bit integer lie in a Uint32Array view of it.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const LOW = LITTLE_ENDIAN ? 0 : 1
const HIGH = 1 - LOW

// At most this many keys of one rule per person (personal and old ID; household and address).
const KEYS_PER_RULE = 2
const RULES = BLOCK_RULES.length

/**
 * Unique candidate pairs of prepared persons, with the rules that found each. prepared[i].id
 * must be i.
 *
 * Pairs come out block by block, so that a caller comparing them in this order finds a block's
 * few persons still in the CPU's cache: on a province, fetching the persons from memory costs
 * more than comparing them. A pair in several blocks is made once, by the first of them.
 */
export function candidatePairs(prepared: readonly Prepared[], options: BlockingOptions): CandidatePairs {
  const n = prepared.length
  prepared.forEach((p, i) => {
    if (p.id !== i) throw new RangeError(`candidatePairs: prepared[${i}].id is ${p.id}; ids must be the positions`)
  })
  // blockOf[(i * RULES + r) * KEYS_PER_RULE + k]: person i's k-th kept block under rule r, or -1.
  // One person's blocks lie together, so whether two persons share a block is read from two
  // cache lines.
  const blockOf = new Int32Array(n * RULES * KEYS_PER_RULE).fill(-1)
  const memberPerson = new IntList(n * 4)
  const memberBlock = new IntList(n * 4)
  const blockRule: number[] = []
  const perRule = {} as Record<BlockRule, RuleCounts>
  // Blocks are runs of equal keys once the keys are sorted. A key is sorted as a 64-bit integer:
  // its hash in the high bits, then the person and which of their keys it is. Two keys with one
  // hash (or two texts with one hash inside a key) only join two blocks into one, i.e. make extra
  // candidates, never fewer; with 32 + (31 - personBits) bits of key hash that is about one
  // block per province run.
  const personBits = Math.max(1, Math.ceil(Math.log2(n + 1)))
  if (personBits > 30) throw new RangeError(`candidatePairs: ${n} persons are too many`)
  const tail = personBits + 1 // low bits holding person and key index
  BLOCK_RULES.forEach((rule, r) => {
    const counts: RuleCounts = { blocks: 0, pairs: 0, capped: 0, cappedPairs: 0, largest: 0 }
    perRule[rule] = counts
    let entries = new BigUint64Array(n)
    let halves = new Uint32Array(entries.buffer)
    let e = 0
    let i = 0
    let k = 0
    const emit: Emit = (a, b, c, d) => {
      if (e === entries.length) {
        const bigger = new BigUint64Array(entries.length * 2)
        bigger.set(entries)
        entries = bigger
        halves = new Uint32Array(entries.buffer)
      }
      halves[2 * e + HIGH] = keyHigh(a, b, c, d)
      halves[2 * e + LOW] = (((keyLow(a, b, c, d) >>> tail) << tail) | (i << 1) | k) >>> 0
      e++
      k++
    }
    for (i = 0; i < n; i++) {
      k = 0
      ruleKeys(prepared[i] as Prepared, rule, emit)
    }
    const sorted = entries.subarray(0, e).sort()
    halves = new Uint32Array(sorted.buffer, sorted.byteOffset, 2 * e)
    const sameKey = (x: number, y: number) =>
      halves[2 * x + HIGH] === halves[2 * y + HIGH] && (halves[2 * x + LOW] as number) >>> tail === (halves[2 * y + LOW] as number) >>> tail
    for (let start = 0; start < e; ) {
      let end = start + 1
      while (end < e && sameKey(start, end)) end++
      const size = end - start
      if (size >= 2) {
        const pairs = (size * (size - 1)) / 2
        if (size > options.maxBlock) {
          counts.capped++
          counts.cappedPairs += pairs
        } else {
          counts.blocks++
          counts.pairs += pairs
          if (size > counts.largest) counts.largest = size
          const g = blockRule.length
          blockRule.push(r)
          for (let x = start; x < end; x++) {
            const low = halves[2 * x + LOW] as number
            const i = (low & ((1 << tail) - 1)) >>> 1
            memberPerson.push(i)
            memberBlock.push(g)
            blockOf[(i * RULES + r) * KEYS_PER_RULE + (low & 1)] = g
          }
        }
      }
      start = end
    }
  })
  options.onCounts?.(perRule)

  // Block → members, by counting sort (stable, so each block's members stay ascending).
  const blocks = blockRule.length
  const m = memberPerson.length
  const blockStart = new Int32Array(blocks + 1)
  for (let k = 0; k < m; k++) {
    const g = (memberBlock.data[k] as number) + 1
    blockStart[g] = (blockStart[g] as number) + 1
  }
  for (let g = 0; g < blocks; g++) blockStart[g + 1] = (blockStart[g + 1] as number) + (blockStart[g] as number)
  const members = new Int32Array(m)
  const fill = blockStart.slice(0, blocks)
  for (let k = 0; k < m; k++) {
    const g = memberBlock.data[k] as number
    const at = fill[g] as number
    members[at] = memberPerson.data[k] as number
    fill[g] = at + 1
  }

  /** The lowest block of rule r that x and y are both in, or -1. */
  const shared = (x: number, y: number, r: number): number => {
    const px = (x * RULES + r) * KEYS_PER_RULE
    const py = (y * RULES + r) * KEYS_PER_RULE
    let lowest = -1
    for (let kx = 0; kx < KEYS_PER_RULE; kx++) {
      const bx = blockOf[px + kx] as number
      if (bx < 0) continue
      for (let ky = 0; ky < KEYS_PER_RULE; ky++) {
        if (bx === blockOf[py + ky] && (lowest < 0 || bx < lowest)) lowest = bx
      }
    }
    return lowest
  }

  // Every pair of every block; a pair is made by the lowest block (of the first rule) it is in,
  // and carries the bits of every rule that has it in a block. The rules' pair counts bound the
  // number of unique pairs (a pair found by several rules counts once in each), so the arrays
  // are allocated once, and returned as views of what was filled.
  let capacity = 0
  for (const rule of BLOCK_RULES) capacity += perRule[rule].pairs
  const a = new Uint32Array(capacity)
  const b = new Uint32Array(capacity)
  const rules = new Uint8Array(capacity)
  let count = 0
  for (let g = 0; g < blocks; g++) {
    const end = blockStart[g + 1] as number
    for (let i = blockStart[g] as number; i < end; i++) {
      const x = members[i] as number
      pairs: for (let j = i + 1; j < end; j++) {
        const y = members[j] as number
        let mask = 0
        for (let r = 0; r < RULES; r++) {
          const first = shared(x, y, r)
          if (first < 0) continue
          if (mask === 0 && first !== g) continue pairs // made by an earlier block
          mask |= 1 << r
        }
        a[count] = x
        b[count] = y
        rules[count] = mask
        count++
      }
    }
  }
  return { count, a: a.subarray(0, count), b: b.subarray(0, count), rules: rules.subarray(0, count), perRule }
}
