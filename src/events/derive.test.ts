import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deriveLife, type LifeEvent, overlay, type Place, type Stay, stayOn } from './derive.ts'

const home: Place = { unit_code: '06652', era: 2025, detail: 'Tổ 1', household_id: 'h1', relation_to_head: 'Con' }
const away: Place = { unit_code: '06706', era: 2025, detail: 'Khu 3', household_id: null, relation_to_head: null }
const adult = { born_from: '1990-05-01', sex: 'F' as const, married: false, recorded: home }

let seq = 0
const ev = (kind: LifeEvent['kind'], effective_on: string, more: Partial<LifeEvent> = {}): LifeEvent => ({
  id: `e${++seq}`,
  kind,
  effective_on,
  recorded_at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`,
  ...more,
})

test('a move ends the stay at home on its day and begins one at the destination', () => {
  const move = ev('move', '2026-03-01', { place: away })
  const life = deriveLife(adult, [move])
  assert.deepEqual(life.problems, [])
  assert.equal(life.stays.length, 2)
  assert.equal(stayOn(life.stays, '2026-02-28')?.unit_code, '06652')
  assert.equal(stayOn(life.stays, '2026-03-01')?.unit_code, '06706')
  assert.equal(stayOn(life.stays, '2026-03-01')?.event_id, move.id)
  // From birth: not counted before it.
  assert.equal(stayOn(life.stays, '1990-04-30'), undefined)
  assert.equal(stayOn(life.stays, '1990-05-01')?.event_id, null)
})

test('a move out of the province ends everything; death ends the stay on its day', () => {
  const out = deriveLife(adult, [ev('move', '2026-03-01', { place: null })])
  assert.equal(stayOn(out.stays, '2026-03-01'), undefined)
  assert.equal(stayOn(out.stays, '2026-02-28')?.unit_code, '06652')
  const died = deriveLife(adult, [ev('death', '2026-04-10')])
  assert.equal(died.died_on, '2026-04-10')
  assert.equal(stayOn(died.stays, '2026-04-09')?.unit_code, '06652')
  assert.equal(stayOn(died.stays, '2026-04-10'), undefined)
})

test('events that contradict the life are refused with their reason', () => {
  const cases: [LifeEvent[], string][] = [
    [[ev('death', '1989-01-01')], 'before-birth'],
    [[ev('death', '2026-01-01'), ev('marriage', '2026-02-01')], 'after-death'],
    [[ev('death', '2026-01-01'), ev('death', '2026-02-01')], 'after-death'],
    [[ev('move', '2026-01-01', { place: { ...home } })], 'already-lives-there'],
    [[ev('move', '2026-01-01', { place: null }), ev('move', '2026-02-01', { place: null })], 'not-resident'],
    [[ev('marriage', '2007-01-01')], 'under-age'],
    [[ev('marriage', '2015-01-01'), ev('marriage', '2016-01-01')], 'already-married'],
    [[ev('divorce', '2016-01-01')], 'not-married'],
    [[ev('temporary_residence', '2026-01-01', { place: away, until: '2025-12-31' })], 'until-before-start'],
    [[ev('household_split', '2026-01-01', { from_household: 'h9', place: { ...home, household_id: 'h2' } })], 'not-member'],
  ]
  for (const [events, code] of cases) {
    const life = deriveLife(adult, events)
    assert.deepEqual(
      life.problems.map((p) => p.code),
      [code],
      `${events.map((e) => e.kind).join(', ')} → ${code}`,
    )
    assert.ok(life.problems[0]?.vi && life.problems[0].en, 'a reason in both languages')
  }
})

test('a back-dated event is applied in effective order: a later move is checked against it', () => {
  const move = ev('move', '2026-05-01', { place: away })
  const death = ev('death', '2026-04-01')
  // Recorded after the move, effective before it: the move would now follow a death.
  const life = deriveLife(adult, [move, death])
  assert.deepEqual(
    life.problems.map((p) => [p.code, p.event_id]),
    [['after-death', move.id]],
  )
  // Back-dated to before the move, a second move re-derives what follows it.
  const earlier = ev('move', '2025-01-01', { place: { ...away, unit_code: '06661' } })
  const both = deriveLife(adult, [move, earlier])
  assert.deepEqual(both.problems, [])
  assert.deepEqual(
    both.stays.map((s) => [s.unit_code, s.valid_from, s.valid_to]),
    [
      ['06652', '1990-05-01', '2025-01-01'],
      ['06661', '2025-01-01', '2026-05-01'],
      ['06706', '2026-05-01', 'infinity'],
    ],
  )
})

test('men marry from 20, women from 18', () => {
  const man = { ...adult, sex: 'M' as const }
  assert.deepEqual(
    deriveLife(man, [ev('marriage', '2009-05-01')]).problems.map((p) => p.code),
    ['under-age'],
  )
  assert.deepEqual(deriveLife(man, [ev('marriage', '2010-05-01')]).problems, [])
  assert.deepEqual(deriveLife(adult, [ev('marriage', '2008-05-01')]).problems, [])
  const life = deriveLife(adult, [ev('marriage', '2015-01-01'), ev('divorce', '2020-01-01')])
  assert.equal(life.married, false)
})

test('a temporary residence covers the permanent stay while it lasts, keeping the household', () => {
  const life = deriveLife(adult, [ev('temporary_residence', '2026-01-10', { place: away, until: '2026-07-10' })])
  assert.deepEqual(
    life.stays.map((s) => [s.kind, s.unit_code, s.valid_from, s.valid_to, s.household_id]),
    [
      ['permanent', '06652', '1990-05-01', '2026-01-10', 'h1'],
      ['temporary', '06706', '2026-01-10', '2026-07-10', 'h1'],
      ['permanent', '06652', '2026-07-10', 'infinity', 'h1'],
    ],
  )
  // Death during it cuts it.
  const cut = deriveLife(adult, [ev('temporary_residence', '2026-01-10', { place: away, until: '2026-07-10' }), ev('death', '2026-03-01')])
  assert.equal(cut.stays.at(-1)?.valid_to, '2026-03-01')
  assert.equal(stayOn(cut.stays, '2026-03-01'), undefined)
})

test('a move ends a temporary residence still running; moving back does not bring it back', () => {
  const life = deriveLife(adult, [
    ev('temporary_residence', '2026-01-10', { place: away, until: '2026-12-31' }),
    ev('move', '2026-03-01', { place: null }),
    ev('move', '2026-05-01', { place: { ...home, household_id: 'h7' } }),
  ])
  assert.deepEqual(life.problems, [])
  assert.equal(stayOn(life.stays, '2026-02-01')?.kind, 'temporary')
  assert.equal(stayOn(life.stays, '2026-04-01'), undefined)
  assert.deepEqual([stayOn(life.stays, '2026-06-01')?.kind, stayOn(life.stays, '2026-06-01')?.household_id], ['permanent', 'h7'])
})

test('a birth opens the first stay of a person with no recorded place', () => {
  const born = { born_from: '2026-02-01', sex: 'M' as const, married: false, recorded: null }
  const life = deriveLife(born, [ev('birth', '2026-02-01', { place: home })])
  assert.deepEqual(
    life.stays.map((s) => [s.unit_code, s.valid_from, s.valid_to]),
    [['06652', '2026-02-01', 'infinity']],
  )
})

test('overlay: stays never overlap, so each person counts once on any day', () => {
  const p: Stay[] = [
    { ...home, kind: 'permanent', valid_from: '-infinity', valid_to: '2026-01-01', event_id: null },
    { ...away, kind: 'permanent', valid_from: '2026-01-01', valid_to: 'infinity', event_id: 'm' },
  ]
  const t: Stay[] = [{ ...away, unit_code: '06661', kind: 'temporary', valid_from: '2025-06-01', valid_to: '2026-03-01', event_id: 't' }]
  const stays = overlay(p, t)
  for (let i = 1; i < stays.length; i++) assert.equal(stays[i - 1]?.valid_to, stays[i]?.valid_from)
  assert.equal(stays[0]?.valid_from, '-infinity')
  // The temporary residence spans the move: two pieces, each with the household of its time.
  assert.deepEqual(
    stays.map((s) => [s.unit_code, s.household_id]),
    [
      ['06652', 'h1'],
      ['06661', 'h1'],
      ['06661', null],
      ['06706', null],
    ],
  )
  assert.equal(stayOn(stays, '2025-12-31')?.unit_code, '06661')
  assert.equal(stayOn(stays, '2026-03-01')?.unit_code, '06706')
})
