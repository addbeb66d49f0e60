// The mobile sessions' arithmetic: waits and their median, the queue's places, the estimate of
// when the last person is served, and throughput per officer per hour and per hour on shift.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dayStart, hourOf, median, positions, queueEstimate, queueSummary, shiftHours, throughput, waitMinutes } from './session.ts'

const at = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00+07:00`).toISOString()

test('median of none, odd and even counts', () => {
  assert.equal(median([]), null)
  assert.equal(median([7, 1, 3]), 3)
  assert.equal(median([4, 1, 3, 10]), 3.5)
})

test('a wait runs from arrival to the call, to being served when nobody called, to now while waiting', () => {
  const now = at('10:00')
  assert.equal(waitMinutes({ status: 'served', arrived_at: at('08:00'), called_at: at('08:25'), done_at: at('08:40') }, now), 25)
  assert.equal(waitMinutes({ status: 'served', arrived_at: at('08:00'), called_at: null, done_at: at('08:40') }, now), 40)
  assert.equal(waitMinutes({ status: 'waiting', arrived_at: at('09:30'), called_at: null, done_at: null }, now), 30)
})

test('the queue’s summary: waiting and called apart, median wait of those served, the longest not yet called', () => {
  const s = queueSummary(
    [
      { status: 'served', arrived_at: at('08:00'), called_at: at('08:10'), done_at: at('08:20') },
      { status: 'served', arrived_at: at('08:01'), called_at: at('08:31'), done_at: at('08:40') },
      { status: 'served', arrived_at: at('08:02'), called_at: at('08:22'), done_at: at('08:50') },
      { status: 'left', arrived_at: at('08:03'), called_at: null, done_at: at('09:00') },
      { status: 'waiting', arrived_at: at('08:30'), called_at: at('09:50'), done_at: null },
      { status: 'waiting', arrived_at: at('09:00'), called_at: null, done_at: null },
    ],
    at('10:00'),
  )
  assert.deepEqual(s, { waiting: 1, called: 1, served: 3, left: 1, median_wait_minutes: 20, longest_waiting_minutes: 60 })
})

test('places in the queue: those not yet called, in ticket order', () => {
  const place = positions([
    { ticket: 3, status: 'waiting', called_at: null },
    { ticket: 1, status: 'served', called_at: at('08:00') },
    { ticket: 2, status: 'waiting', called_at: at('08:05') },
    { ticket: 5, status: 'waiting', called_at: null },
  ])
  assert.deepEqual(
    [...place],
    [
      [3, 1],
      [5, 2],
    ],
  )
})

test('the estimate: those left over the pace per officer-hour times the officers on shift', () => {
  // 12 served in 4 officer-hours: 3 per officer-hour; 2 officers on shift serve 6 an hour; 9 left: 90 minutes.
  const e = queueEstimate({ remaining: 9, served: 12, shiftHours: 4, onShift: 2, now: at('16:00') })
  assert.deepEqual(e, { remaining: 9, officers_on_shift: 2, served_per_officer_hour: 3, minutes: 90, finish_at: at('17:30') })
  assert.equal(queueEstimate({ remaining: 9, served: 0, shiftHours: 4, onShift: 2, now: at('16:00') }), null, 'no pace yet')
  assert.equal(queueEstimate({ remaining: 9, served: 3, shiftHours: 0.1, onShift: 2, now: at('16:00') }), null, 'too early')
  assert.equal(queueEstimate({ remaining: 9, served: 12, shiftHours: 4, onShift: 0, now: at('16:00') }), null, 'nobody on shift')
})

test('hours are Vietnam’s, the session’s day begins at its midnight', () => {
  assert.equal(hourOf('2026-11-27T01:59:59.000Z'), '2026-11-27T08:00+07:00')
  assert.equal(hourOf('2026-11-27T17:00:00.000Z'), '2026-11-28T00:00+07:00')
  assert.equal(dayStart('2026-11-27'), '2026-11-26T17:00:00.000Z')
  assert.equal(shiftHours({ officer: 'a', starts_at: at('07:30'), ends_at: null }, at('09:00')), 1.5)
})

test('throughput per officer per hour: receptions and captures, minutes on shift, per hour worked', () => {
  const steps = [
    { officer: 'an', to_state: 'received' as const, at: at('07:40') },
    { officer: 'an', to_state: 'biometrics_captured' as const, at: at('07:50') },
    { officer: 'an', to_state: 'received' as const, at: at('08:10') },
    { officer: 'binh', to_state: 'received' as const, at: at('08:15') },
    { officer: 'binh', to_state: 'biometrics_captured' as const, at: at('08:20') },
    { officer: 'an', to_state: 'biometrics_captured' as const, at: at('09:05') },
  ]
  const shifts = [
    { officer: 'an', starts_at: at('07:30'), ends_at: at('09:30') },
    { officer: 'binh', starts_at: at('08:00'), ends_at: null },
  ]
  const t = throughput(steps, shifts, at('09:15'))
  assert.deepEqual(
    t.hours.map((h) => [h.start.slice(11, 16), h.received, h.biometrics, h.shift_minutes, h.officers]),
    [
      ['07:00', 1, 1, 30, 1],
      ['08:00', 2, 1, 120, 2],
      ['09:00', 0, 1, 45, 2],
    ],
  )
  const [an, binh] = t.officers
  assert.equal(an?.officer, 'an')
  assert.deepEqual([an?.received, an?.biometrics, an?.shift_hours], [2, 2, 2])
  assert.deepEqual(an?.per_shift_hour, { received: 1, biometrics: 1 })
  assert.deepEqual(
    an?.hours.map((h) => h.shift_minutes),
    [30, 60, 30],
  )
  // Binh's shift still runs: counted until `until`.
  assert.deepEqual([binh?.received, binh?.biometrics, binh?.shift_hours], [1, 1, 1.25])
  assert.deepEqual(binh?.per_shift_hour, { received: 0.8, biometrics: 0.8 })
  assert.deepEqual(t.totals, {
    received: 3,
    biometrics: 3,
    shift_hours: 3.25,
    per_shift_hour: { received: 0.92, biometrics: 0.92 },
    officers: 2,
  })
})

test('throughput: an officer with steps and no shift has no rate; an empty session has no hours', () => {
  const t = throughput([{ officer: 'chi', to_state: 'received', at: at('10:10') }], [], at('11:00'))
  assert.equal(t.officers[0]?.per_shift_hour, null)
  assert.equal(t.hours.length, 1)
  const brief = throughput(
    [{ officer: 'chi', to_state: 'received', at: at('10:02') }],
    [{ officer: 'chi', starts_at: at('10:00'), ends_at: at('10:05') }],
    at('11:00'),
  )
  assert.equal(brief.officers[0]?.per_shift_hour, null, 'no rate over five minutes worked')
  const empty = throughput([], [], at('11:00'))
  assert.deepEqual(empty.hours, [])
  assert.equal(empty.totals.per_shift_hour, null)
})
