import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AppError } from '../platform/errors.ts'
import { backlogOf, daysOf, layout, periodOf, series, viewOf } from './dashboard.ts'

const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof AppError)
    return { status: error.status, ...(error.details as { field: string; rule: string }) }
  }
  assert.fail('not refused')
}

test('the period: the last 30 days to today by default, its instants in Vietnam', () => {
  assert.deepEqual(periodOf({}, '2026-03-10'), {
    from: '2026-02-09',
    to: '2026-03-10',
    since: '2026-02-09T00:00:00+07:00',
    until: '2026-03-11T00:00:00+07:00',
  })
  assert.equal(periodOf({ to: '2026-01-31' }, '2026-03-10').from, '2026-01-02')
  assert.equal(periodOf({ from: '2026-03-01' }, '2026-03-10').to, '2026-03-10', 'to today at most')
  assert.equal(periodOf({ from: '2026-01-01' }, '2026-03-10').to, '2026-01-30', 'else 30 days')
  assert.equal(periodOf({ from: '2024-02-28', to: '2024-03-01' }, '2026-03-10').until, '2024-03-02T00:00:00+07:00')
  assert.deepEqual(daysOf('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01'])
})

test('a bad period is refused with the field and the rule', () => {
  assert.deepEqual(
    refusal(() => periodOf({ from: '2026-02-30' }, '2026-03-10')),
    { status: 400, field: 'from', rule: 'date' },
  )
  assert.deepEqual(
    refusal(() => periodOf({ to: '10/03/2026' }, '2026-03-10')),
    { status: 400, field: 'to', rule: 'date' },
  )
  assert.deepEqual(
    refusal(() => periodOf({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-10')),
    {
      status: 400,
      field: 'from',
      rule: 'order',
    },
  )
  const long = refusal(() => periodOf({ from: '2025-01-01', to: '2026-01-02' }, '2026-03-10'))
  assert.equal(long.rule, 'max-days')
  assert.equal(periodOf({ from: '2025-01-01', to: '2026-01-01' }, '2026-03-10').from, '2025-01-01', '366 days pass')
})

test('per-day series have every day, zeros included', () => {
  assert.deepEqual(series(['2026-03-01', '2026-03-02', '2026-03-03'], [{ day: '2026-03-03', n: 4 }]), [0, 0, 4])
})

test('the view: the province or one commune for a province user; a commune user their own units only', () => {
  const communes = new Set(['07192', '07183', '06652'])
  assert.deepEqual(viewOf(null, undefined, communes), { unit: null, units: null })
  assert.deepEqual(viewOf(null, '06652', communes), { unit: '06652', units: ['06652'] })
  assert.equal(refusal(() => viewOf(null, '99999', communes)).status, 404)
  const scope = ['07192:2025', '07183:2025', '07183:2024']
  assert.deepEqual(viewOf(scope, undefined, communes), { unit: null, units: ['07183', '07192'] })
  assert.deepEqual(viewOf(scope, '07192', communes), { unit: '07192', units: ['07192'] })
  assert.equal(refusal(() => viewOf(scope, '06652', communes)).status, 404)
})

test('the backlog: totals by state in order, every unit of the view, the largest first; none by unit for one unit', () => {
  const names = new Map([
    ['07192', 'Xã A'],
    ['07183', 'Xã B'],
    ['06652', 'Phường C'],
  ])
  const rows = [
    { unit_code: '07183', state: 'arrived' as const, n: 3 },
    { unit_code: '07183', state: 'received' as const, n: 1 },
    { unit_code: '07192', state: 'arrived' as const, n: 2 },
  ]
  const province = backlogOf({ unit: null, units: null }, rows, names)
  assert.equal(province.total, 6)
  assert.deepEqual(
    province.states.map((s) => [s.state, s.count]),
    [
      ['received', 1],
      ['biometrics_captured', 0],
      ['sent_for_production', 0],
      ['produced', 0],
      ['arrived', 5],
      ['returned_for_correction', 0],
    ],
  )
  assert.deepEqual(
    province.by_unit?.map((u) => [u.unit, u.name, u.total]),
    [
      ['07183', 'Xã B', 4],
      ['07192', 'Xã A', 2],
      ['06652', 'Phường C', 0],
    ],
  )
  assert.equal(province.by_unit?.[0]?.counts.arrived, 3)
  const mine = backlogOf({ unit: null, units: ['07192'] }, rows.slice(2), names)
  assert.deepEqual(
    mine.by_unit?.map((u) => u.unit),
    ['07192'],
  )
  assert.equal(backlogOf({ unit: '07192', units: ['07192'] }, rows.slice(2), names).by_unit, null)
})

test('the layout: medians rounded, stages without steps null, the share within the deadline', () => {
  const period = periodOf({ from: '2026-03-01', to: '2026-03-03' }, '2026-03-10')
  const d = layout(
    period,
    '2026-03-10',
    { unit: '07192', units: ['07192'] },
    {
      received: [{ day: '2026-03-01', n: 2 }],
      handedOver: [{ day: '2026-03-03', n: 1 }],
      backlog: [],
      stages: [{ state: 'received', median_hours: 1.23456, steps: 3 }],
      deadline: { arrived: 3, within: 2 },
      overdue: 1,
      provisional: 0,
    },
    new Map(),
  )
  assert.deepEqual(d.per_day, {
    days: ['2026-03-01', '2026-03-02', '2026-03-03'],
    received: [2, 0, 0],
    handed_over: [0, 0, 1],
    received_total: 2,
    handed_over_total: 1,
  })
  assert.deepEqual(d.stages[0], { state: 'received', name: d.stages[0]?.name, median_hours: 1.23, steps: 3 })
  assert.deepEqual(d.stages[1]?.median_hours, null)
  assert.deepEqual(d.deadline, { arrived: 3, within: 2, share: 0.6667, overdue: 1, provisional: 0 })
  assert.equal(layout(period, '2026-03-10', { unit: null, units: [] }, { ...emptyCounts }, new Map()).deadline.share, null)
})

const emptyCounts = {
  received: [],
  handedOver: [],
  backlog: [],
  stages: [],
  deadline: { arrived: 0, within: 0 },
  overdue: 0,
  provisional: 0,
}
