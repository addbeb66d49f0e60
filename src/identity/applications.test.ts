import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Applicant, checkApplication, checkStep, fileChange, nextStates, STATES, type State } from './applications.ts'
import { needsBiometrics } from './validity.ts'

const holder = (birth: string, on: string) => {
  const [year, month, day] = birth.split('-').map(Number) as [number, number, number]
  return { biometrics: needsBiometrics({ year, month, day }, on) }
}
const adult = holder('1996-03-10', '2026-02-02')
const child = holder('2021-03-10', '2026-02-02')

test('the way forward for an adult: capture, send, produce, arrive, hand over', () => {
  const way: State[] = ['received', 'biometrics_captured', 'sent_for_production', 'produced', 'arrived', 'handed_over']
  for (let i = 0; i + 1 < way.length; i++) {
    assert.equal(checkStep(way[i] as State, way[i + 1] as State, adult, { receiver: 'Nguyễn Văn A' }), null, `${way[i]} → ${way[i + 1]}`)
  }
  assert.equal(checkStep('received', 'sent_for_production', adult)?.code, 'order', 'no production without biometrics')
  assert.equal(checkStep('produced', 'handed_over', adult, { receiver: 'A' })?.code, 'order', 'no hand-over before it arrives')
})

test('an application for a 5-year-old skips biometrics', () => {
  assert.equal(checkStep('received', 'biometrics_captured', child)?.code, 'under-biometrics-age')
  assert.equal(checkStep('received', 'sent_for_production', child), null)
  assert.ok(!nextStates('received', child).includes('biometrics_captured'))
  assert.ok(nextStates('received', child).includes('sent_for_production'))
  // From the sixth birthday on, biometrics again.
  const six = holder('2020-02-02', '2026-02-02')
  assert.equal(checkStep('received', 'biometrics_captured', six), null)
  assert.equal(checkStep('received', 'sent_for_production', six)?.code, 'order')
  assert.equal(checkStep('received', 'biometrics_captured', holder('2020-02-03', '2026-02-02'))?.code, 'under-biometrics-age')
})

test('a hand-over names who received the card; a cancellation and a return give their reason', () => {
  assert.equal(checkStep('arrived', 'handed_over', adult)?.code, 'receiver-needed')
  assert.equal(checkStep('arrived', 'handed_over', adult, { receiver: '  ' })?.code, 'receiver-needed')
  assert.equal(checkStep('received', 'cancelled', adult)?.code, 'reason-needed')
  assert.equal(checkStep('received', 'cancelled', adult, { reason: 'Người dân rút hồ sơ' }), null)
  assert.equal(checkStep('biometrics_captured', 'returned_for_correction', adult)?.code, 'reason-needed')
  assert.equal(checkStep('biometrics_captured', 'returned_for_correction', adult, { reason: 'Ảnh mờ' }), null)
  assert.equal(checkStep('produced', 'returned_for_correction', adult, { reason: 'x' })?.code, 'not-correctable')
  assert.equal(checkStep('returned_for_correction', 'received', adult), null)
  assert.equal(checkStep('arrived', 'received', adult)?.code, 'order')
})

test('nothing follows a hand-over or a cancellation; every refusal says why in both languages', () => {
  for (const final of ['handed_over', 'cancelled'] as const) {
    assert.deepEqual(nextStates(final, adult), [])
    assert.equal(checkStep(final, 'cancelled', adult, { reason: 'x' })?.code, 'final')
  }
  for (const from of STATES) {
    for (const to of STATES) {
      const r = checkStep(from, to, adult)
      if (r) assert.ok(r.vi.length > 0 && r.en.length > 0 && r.vi !== r.en, `${from} → ${to}`)
    }
  }
})

test('the file is complete when biometrics are captured (at reception under 6), open again after a return for correction', () => {
  assert.equal(fileChange('biometrics_captured', adult), 'complete')
  assert.equal(fileChange('received', adult), 'unchanged', 'an adult’s file waits for biometrics')
  assert.equal(fileChange('received', child), 'complete')
  assert.equal(fileChange('returned_for_correction', adult), 'reopened')
  assert.equal(fileChange('sent_for_production', adult), 'unchanged')
})

const applicant = (birth: string, card?: { expires_on: string | null }): Applicant => {
  const [year, month, day] = birth.split('-').map(Number) as [number, number, number]
  return { birth: { year, month, day }, died_on: null, personal_id: '022096001234', card }
}

test('a renewal is received from two years before the renewal age, or once the card has expired', () => {
  // Turns 25 on 2027-03-10: from 2025-03-10 the renewal may be received.
  const held = applicant('2002-03-10', { expires_on: '2027-03-10' })
  assert.equal(checkApplication('renewal', held, '2025-03-09')?.code, 'not-yet')
  assert.match(checkApplication('renewal', held, '2025-03-09')?.en ?? '', /turns 25 on 2027-03-10.*from 2025-03-10/)
  assert.equal(checkApplication('renewal', held, '2025-03-10'), null)
  assert.equal(checkApplication('renewal', applicant('2002-03-10', { expires_on: '2020-01-01' }), '2024-01-01'), null, 'expired')
  assert.equal(checkApplication('renewal', applicant('2002-03-10'), '2024-01-01'), null, 'no card recorded: the post knows better')
})

test('a first issue is refused to a holder of a valid card; a reissue or change needs its reason; the dead and the unnumbered are refused', () => {
  assert.equal(checkApplication('first_issue', applicant('2010-05-01'), '2026-02-02'), null)
  assert.equal(checkApplication('first_issue', applicant('1990-05-01', { expires_on: null }), '2026-02-02')?.code, 'has-card')
  assert.equal(checkApplication('first_issue', applicant('1990-05-01', { expires_on: '2025-05-01' }), '2026-02-02'), null)
  assert.equal(checkApplication('reissue', applicant('1990-05-01'), '2026-02-02')?.code, 'reason-needed')
  assert.equal(checkApplication('reissue', applicant('1990-05-01'), '2026-02-02', 'Mất thẻ'), null)
  assert.equal(checkApplication('change', applicant('1990-05-01'), '2026-02-02', '  ')?.code, 'reason-needed')
  assert.equal(checkApplication('first_issue', { ...applicant('1990-05-01'), died_on: '2026-01-01' }, '2026-02-02')?.code, 'deceased')
  assert.equal(checkApplication('first_issue', { ...applicant('1990-05-01'), personal_id: null }, '2026-02-02')?.code, 'no-number')
  assert.equal(checkApplication('first_issue', { ...applicant('1990-05-01'), birth: null }, '2026-02-02')?.code, 'no-birth-date')
  assert.equal(checkApplication('first_issue', applicant('2026-05-01'), '2026-02-02')?.code, 'unborn')
})
