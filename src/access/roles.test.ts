import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GRANTS, MASK, maskSensitive, PERMISSIONS, permissionsOf, ROLES, SCOPED_ROLES, WRITE_PERMISSIONS } from './roles.ts'

test('every role grants known permissions; the admin cannot read the audit log, the auditor nothing else', () => {
  for (const role of ROLES) for (const p of GRANTS[role]) assert.ok(PERMISSIONS.includes(p), `${role}: ${p}`)
  assert.ok(!GRANTS['province-admin'].includes('audit.read'))
  assert.deepEqual([...GRANTS.auditor], ['audit.read'])
  assert.ok(GRANTS['commune-head'].includes('merges.approve') && !GRANTS['commune-officer'].includes('merges.approve'))
  assert.ok(!GRANTS['province-analyst'].includes('register.sensitive'))
  assert.deepEqual([...SCOPED_ROLES].sort(), ['card-clerk', 'commune-head', 'commune-officer'])
})

test('a read-only token loses every write permission and keeps the reads', () => {
  const full = permissionsOf('commune-officer')
  const readOnly = permissionsOf('commune-officer', true)
  assert.ok(full.has('forms.write'))
  assert.ok(!readOnly.has('forms.write'))
  assert.ok(readOnly.has('register.read') && readOnly.has('register.sensitive'))
  for (const p of WRITE_PERMISSIONS) assert.ok(!permissionsOf('province-admin', true).has(p), p)
})

test('masking hides present sensitive values and leaves the rest, and nulls, alone', () => {
  const person = { name_display: 'Nguyễn Văn An', ethnicity_text: 'Tày', ethnicity_code: '02', religion: null, sex: 'M' }
  assert.deepEqual(maskSensitive(person), {
    name_display: 'Nguyễn Văn An',
    ethnicity_text: MASK,
    ethnicity_code: MASK,
    religion: null,
    sex: 'M',
  })
  assert.equal(person.ethnicity_text, 'Tày', 'the input is not changed')
  assert.deepEqual(maskSensitive({ ethnicity: 'Kinh', religion: 'Phật giáo', full_name: 'A' }), {
    ethnicity: MASK,
    religion: MASK,
    full_name: 'A',
  })
})
