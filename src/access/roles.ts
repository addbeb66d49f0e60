// Roles and their named permissions: the one table every route's declaration is checked
// against. Province roles see the whole province; commune roles see their units only.

export const PERMISSIONS = [
  'register.read',
  'register.sensitive',
  'register.write',
  'forms.read',
  'forms.write',
  'units.write',
  'aggregates.read',
  'merges.approve',
  'cards.read',
  'cards.manage',
  'users.manage',
  'audit.read',
] as const
export type Permission = (typeof PERMISSIONS)[number]

/** What a route asks of its caller: a permission, any logged-in user, or nothing. */
export type RouteAccess = Permission | 'authenticated' | 'public'

export const ROLES = ['province-admin', 'province-analyst', 'commune-officer', 'commune-head', 'card-clerk', 'auditor'] as const
export type Role = (typeof ROLES)[number]

// The commune post takes identity-card applications as well as keeping the register.
const OFFICER: Permission[] = [
  'register.read',
  'register.sensitive',
  'register.write',
  'forms.read',
  'forms.write',
  'cards.read',
  'cards.manage',
]

export const GRANTS: Record<Role, readonly Permission[]> = {
  // The admin runs the system and its users; reading the audit log is the auditor's alone.
  'province-admin': PERMISSIONS.filter((p) => p !== 'audit.read'),
  // Aggregates and the register, read-only; sensitive fields stay masked on individual records.
  'province-analyst': ['register.read', 'forms.read', 'aggregates.read', 'cards.read'],
  'commune-officer': OFFICER,
  'commune-head': [...OFFICER, 'merges.approve'],
  'card-clerk': ['register.read', 'cards.read', 'cards.manage'],
  auditor: ['audit.read'],
}

/** Roles whose users work for a set of units (and must have at least one). */
export const SCOPED_ROLES: readonly Role[] = ['commune-officer', 'commune-head', 'card-clerk']

/** Permissions that change data: an API token marked read-only loses them. */
export const WRITE_PERMISSIONS: readonly Permission[] = [
  'register.write',
  'forms.write',
  'units.write',
  'merges.approve',
  'cards.manage',
  'users.manage',
]

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value)

export function permissionsOf(role: Role, readOnly = false): Set<Permission> {
  return new Set(GRANTS[role].filter((p) => !readOnly || !WRITE_PERMISSIONS.includes(p)))
}

/** Fields of a person that are sensitive personal data (Decree 13/2023 art. 2.4). */
export const SENSITIVE_FIELDS = ['ethnicity_code', 'ethnicity_code_set', 'ethnicity_text', 'religion', 'ethnicity'] as const

export const MASK = '***'

/** A copy of a record with its sensitive fields masked (present values only: null stays null). */
export function maskSensitive<T extends Record<string, unknown>>(record: T): T {
  const masked: Record<string, unknown> = { ...record }
  for (const field of SENSITIVE_FIELDS)
    if (masked[field] !== null && masked[field] !== undefined && masked[field] !== '') masked[field] = MASK
  return masked as T
}
