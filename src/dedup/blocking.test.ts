import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BLOCK_RULES, type BlockRule, blockingKeys, type CandidatePairs, candidatePairs, RULE_FIELDS, rulesOf } from './blocking.ts'
import { type Candidate, FIELDS, type Prepared, prepare } from './compare.ts'

type Values = Omit<Candidate, 'id'>

const prepareAll = (people: Values[]): Prepared[] => people.map((v, id) => prepare({ id, ...v }))

/** Pairs as "a-b" → rules that found them. */
function pairMap(result: CandidatePairs): Map<string, BlockRule[]> {
  const out = new Map<string, BlockRule[]>()
  for (let i = 0; i < result.count; i++) out.set(`${result.a[i]}-${result.b[i]}`, rulesOf(result.rules[i] as number))
  return out
}

function pairs(people: Values[], maxBlock = 100): Map<string, BlockRule[]> {
  return pairMap(candidatePairs(prepareAll(people), { maxBlock }))
}

// Two persons that share nothing any rule keys on; each test below gives them one thing in common.
const base: [Values, Values] = [
  { family: 'Nguyễn', middle: 'Văn', given: 'Tuấn', birth: { year: 1990, month: 5, day: 23 }, unit: '22090', sex: 'M' },
  { family: 'Trần', middle: 'Thị', given: 'Lan', birth: { year: 1975, month: 8, day: 30 }, unit: '22093', sex: 'F' },
]

const cases: [BlockRule, Values, Values][] = [
  ['id', { ...base[0], personalId: '022090012345' }, { ...base[1], personalId: '022090012345' }],
  ['id', { ...base[0], oldId: '100234567' }, { ...base[1], oldId: '100234567' }],
  ['birthGiven', base[0], { ...base[1], given: 'Tuan', birth: { year: 1990, month: 5, day: 23 } }],
  // Hoàng and Huỳnh are one family class; the dates differ, the years do not.
  [
    'yearGivenFamily',
    { ...base[0], family: 'Hoàng', birth: { year: 1990 } },
    { ...base[1], family: 'Huỳnh', given: 'Tuấn', birth: { year: 1990, month: 1, day: 25 } },
  ],
  // The given name is beyond a fold (a typo), the family name and unit hold.
  ['birthFamilyUnit', base[0], { ...base[1], family: 'Nguyễn', given: 'Tấun', birth: { year: 1990, month: 5, day: 23 }, unit: '22090' }],
  ['householdGiven', { ...base[0], household: '220001234' }, { ...base[1], given: 'Tuấn', household: '220001234' }],
  ['householdGiven', { ...base[0], address: 'Thôn Đông Sơn' }, { ...base[1], given: 'TUẤN', unit: '22090', address: 'thon dong son' }],
  // Same household and year, the given name typed beyond recognition (Anh for An).
  ['householdYear', { ...base[0], household: '220001234' }, { ...base[1], given: 'Tấun', household: '220001234', birth: { year: 1990 } }],
  ['phone', { ...base[0], phone: '0912345678' }, { ...base[1], phone: '84912345678' }],
  [
    'swapGiven',
    { ...base[0], birth: { year: 1990, month: 5, day: 12 } },
    { ...base[1], given: 'Tuấn', birth: { year: 1990, month: 12, day: 5 } },
  ],
]

test('the two base persons share no key', () => {
  assert.equal(pairs(base).size, 0)
})

test('each rule finds its pair, and only that rule', () => {
  for (const [rule, a, b] of cases) {
    const found = pairs([a, b])
    assert.deepEqual([...found.entries()], [['0-1', [rule]]], rule)
  }
  const tested = new Set(cases.map(([rule]) => rule))
  for (const rule of BLOCK_RULES) assert.ok(tested.has(rule), `no case for ${rule}`)
})

test('a pair found by several rules is one pair with all their bits', () => {
  const a = { ...base[0], personalId: '022090012345', phone: '0912345678' }
  const result = candidatePairs(prepareAll([a, { ...a }]), { maxBlock: 100 })
  assert.equal(result.count, 1)
  assert.deepEqual(rulesOf(result.rules[0] as number).sort(), ['birthFamilyUnit', 'birthGiven', 'id', 'phone', 'yearGivenFamily'])
  for (const rule of ['id', 'birthGiven', 'phone'] as const) assert.equal(result.perRule[rule].pairs, 1, rule)
  // A pair in two blocks of one rule (personal and old ID) is still one pair.
  const ids = { personalId: '022090012345', oldId: '100234567' }
  const twice = candidatePairs(prepareAll([ids, { ...ids }]), { maxBlock: 100 })
  assert.equal(twice.count, 1)
  assert.equal(twice.perRule.id.pairs, 2)
  assert.deepEqual(rulesOf(twice.rules[0] as number), ['id'])
})

test('a block larger than maxBlock is skipped and counted', () => {
  const sharing = Array.from({ length: 5 }, (_, i): Values => ({ phone: '0912345678', given: `Người${i}` }))
  const capped = candidatePairs(prepareAll(sharing), { maxBlock: 4 })
  assert.equal(capped.count, 0)
  assert.deepEqual(capped.perRule.phone, { blocks: 0, pairs: 0, capped: 1, cappedPairs: 10, largest: 0 })
  const kept = candidatePairs(prepareAll(sharing), { maxBlock: 5 })
  assert.equal(kept.count, 10)
  assert.deepEqual(kept.perRule.phone, { blocks: 1, pairs: 10, capped: 0, cappedPairs: 0, largest: 5 })
})

test('counts are reported before the pairs are made, per rule', () => {
  let seen: Record<BlockRule, { pairs: number }> | undefined
  const result = candidatePairs(prepareAll([base[0], { ...base[0] }, base[1]]), {
    maxBlock: 100,
    onCounts: (perRule) => {
      seen = structuredClone(perRule)
    },
  })
  assert.ok(seen)
  assert.deepEqual(seen, result.perRule)
  assert.equal(seen.birthGiven.pairs, 1)
  assert.equal(seen.phone.pairs, 0)
})

test('family name alone is never a key', () => {
  assert.deepEqual(blockingKeys(prepare({ id: 0, family: 'Nguyễn', unit: '22090', sex: 'M' })), [])
  assert.equal(pairs([{ family: 'Nguyễn' }, { family: 'Nguyễn' }]).size, 0)
})

test('blockingKeys lists every rule key of a person', () => {
  const keys = blockingKeys(prepare({ id: 0, ...base[0], personalId: '022090012345', household: '220001234', phone: '0912345678' }))
  assert.deepEqual(keys.map((k) => k.rule).sort(), [
    'birthFamilyUnit',
    'birthGiven',
    'householdGiven',
    'householdYear',
    'id',
    'phone',
    'yearGivenFamily',
  ])
  // The 23rd cannot be a month: no swapped key.
  assert.ok(!keys.some((k) => k.rule === 'swapGiven'))
})

test('rule fields name comparison fields; the rule mask is a byte', () => {
  assert.ok(BLOCK_RULES.length <= 8)
  for (const rule of BLOCK_RULES) for (const f of RULE_FIELDS[rule]) assert.ok(FIELDS.includes(f), `${rule}: ${f}`)
})

test('ids must be positions', () => {
  assert.throws(() => candidatePairs([prepare({ id: 1, given: 'An' })], { maxBlock: 10 }), /ids must be the positions/)
})

// A small population with many collisions, checked against pairs made the plain way: every
// two persons who share a key of a block no larger than maxBlock.
test('pairs are exactly the unique pairs sharing a kept block, with their rules', () => {
  let seed = 7
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return (seed >>> 8) % n
  }
  const pick = <T>(list: readonly T[]) => list[next(list.length)] as T
  const people: Values[] = Array.from({ length: 300 }, () => ({
    family: pick(['Nguyễn', 'Trần', 'Hoàng', 'Huỳnh', 'Lê']),
    given: pick(['An', 'Bình', 'Hà', 'Hạ', 'Lý', 'Lí']),
    birth: next(4) === 0 ? { year: 1990 + next(3) } : { year: 1990 + next(3), month: 1 + next(3), day: 1 + next(4) },
    personalId: next(3) === 0 ? `02209001234${next(4)}` : undefined,
    phone: next(3) === 0 ? `09123456${10 + next(20)}` : undefined,
    unit: pick(['22090', '22093']),
    household: next(2) === 0 ? `2200012${10 + next(30)}` : undefined,
  }))
  const prepared = prepareAll(people)
  const maxBlock = 12
  const blocks = new Map<string, number[]>()
  prepared.forEach((p, i) => {
    for (const { rule, key } of blockingKeys(p)) {
      const k = `${rule}\u0000${key}`
      blocks.set(k, [...(blocks.get(k) ?? []), i])
    }
  })
  const expected = new Map<string, Set<BlockRule>>()
  let capped = 0
  for (const [k, members] of blocks) {
    if (members.length > maxBlock) {
      capped++
      continue
    }
    const rule = k.split('\u0000')[0] as BlockRule
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const id = `${members[x]}-${members[y]}`
        expected.set(id, (expected.get(id) ?? new Set()).add(rule))
      }
    }
  }
  const result = candidatePairs(prepared, { maxBlock })
  const found = pairMap(result)
  assert.ok(capped > 0 && expected.size > 100, 'the population should have both capped blocks and many pairs')
  assert.equal(found.size, result.count, 'pairs are unique')
  assert.equal(result.count, expected.size)
  for (const [id, rules] of expected) assert.deepEqual(found.get(id)?.sort(), [...rules].sort(), id)
  for (let i = 0; i < result.count; i++) assert.ok((result.a[i] as number) < (result.b[i] as number))
  assert.equal(
    BLOCK_RULES.reduce((n, r) => n + result.perRule[r].capped, 0),
    capped,
  )
})
