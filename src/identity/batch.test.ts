import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { State } from './applications.ts'
import { type Candidate, countOf, planBatch, type Resolved, readNumbers, readReference, stepsOf } from './batch.ts'

const app = (id: string, state: State, biometrics = true, state_at = '2026-03-01T02:00:00Z'): Candidate => ({
  id,
  state,
  biometrics,
  state_at,
})

test('a batch’s steps: a card back from production is produced then arrived, only arrived when produced already', () => {
  assert.deepEqual(stepsOf('send', 'biometrics_captured'), ['sent_for_production'])
  assert.deepEqual(stepsOf('receive', 'sent_for_production'), ['produced', 'arrived'])
  assert.deepEqual(stepsOf('receive', 'produced'), ['arrived'])
  assert.deepEqual(stepsOf('hand_over', 'arrived'), ['handed_over'])
})

test('a reference as read: trimmed, a card’s QR code by its first field', () => {
  assert.equal(readReference('  022090012345 '), '022090012345')
  assert.equal(readReference('022090012345|123456789|Nguyễn Văn A|01011990|Nam|Hạ Long|01012021'), '022090012345')
})

test('each reference’s outcome: ok, refused with the rule, unknown, unreadable, duplicate', () => {
  const a = app('a', 'biometrics_captured')
  const b = app('b', 'received')
  const child = app('c', 'received', false)
  const resolved = new Map<string, Resolved<Candidate>>([
    ['022090012345', { application: a }],
    ['17', { application: a }],
    ['022090099999', { application: b }],
    ['022020000001', { application: child }],
    ['999999999999', { problem: 'unknown' }],
    ['abc', { problem: 'unreadable' }],
  ])
  const refs = ['022090012345', 'abc', '022090099999', '17', '999999999999', '022 090 012 345', '', '022020000001', 'abc']
  const plan = planBatch('send', refs, resolved, { on: '2026-03-02' })
  assert.deepEqual(
    plan.map((p) => p.outcome),
    ['ok', 'unreadable', 'refused', 'duplicate', 'unknown', 'duplicate', 'unreadable', 'ok', 'duplicate'],
  )
  assert.deepEqual(plan[0]?.steps, ['sent_for_production'])
  assert.equal(plan[2]?.refusal?.code, 'order', 'biometrics not captured yet')
  assert.equal(plan[3]?.duplicate_of, 0, 'the slip number of the same application')
  assert.equal(plan[5]?.duplicate_of, 0, 'the same number typed in groups')
  assert.equal(plan[8]?.duplicate_of, 1, 'the same garbage twice')
  // Under 6: from reception straight to production.
  assert.deepEqual(plan[7]?.steps, ['sent_for_production'])
  assert.deepEqual(countOf(plan), { ok: 2, refused: 1, unknown: 1, unreadable: 2, duplicate: 3 })
})

test('a receive checks its first step; a hand-over needs its receiver; a day before the last step is refused', () => {
  const resolved = new Map<string, Resolved<Candidate>>([
    ['1', { application: app('a', 'sent_for_production') }],
    ['2', { application: app('b', 'produced') }],
    ['3', { application: app('c', 'arrived') }],
    ['4', { application: app('d', 'handed_over') }],
  ])
  const receive = planBatch('receive', ['1', '2', '3'], resolved, { on: '2026-03-02' })
  assert.deepEqual(
    receive.map((p) => [p.outcome, p.steps, p.refusal?.code]),
    [
      ['ok', ['produced', 'arrived'], undefined],
      ['ok', ['arrived'], undefined],
      ['refused', [], 'order'],
    ],
  )
  const hand = planBatch('hand_over', ['3', '4', '1'], resolved, { on: '2026-03-02', receiver: 'Chính chủ' })
  assert.deepEqual(
    hand.map((p) => p.refusal?.code ?? p.outcome),
    ['ok', 'final', 'order'],
  )
  assert.equal(planBatch('hand_over', ['3'], resolved, { on: '2026-03-02' })[0]?.refusal?.code, 'receiver-needed')
  const early = planBatch('receive', ['1'], resolved, { on: '2026-02-28' })[0]
  assert.equal(early?.outcome, 'refused')
  assert.equal(early?.refusal?.code, 'before-previous-step')
  assert.match(early?.refusal?.en ?? '', /2026-03-01/)
})

test('a numbers file: one a line, blank lines and comments skipped, line numbers kept', () => {
  assert.deepEqual(readNumbers('\uFEFF# lô 12\r\n022090012345\r\n\r\n  17  \n'), { refs: ['022090012345', '17'], lines: [2, 4] })
})
