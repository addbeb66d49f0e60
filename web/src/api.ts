// Calls to coso's API with the session cookie: writes carry the CSRF token, errors keep the
// server's bilingual message, and a 401 tells the app that the session has ended.

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly text: { vi: string; en: string }
  readonly details: unknown

  constructor(status: number, body: { code?: string; message?: { vi: string; en: string }; details?: unknown }) {
    super(body.message?.en ?? `HTTP ${status}`)
    this.status = status
    this.code = body.code ?? 'HTTP'
    this.text = body.message ?? { vi: `Lỗi ${status}`, en: `Error ${status}` }
    this.details = body.details
  }
}

const csrf = () => /(?:^|;\s*)coso_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? ''

let onExpired: () => void = () => {}
/** What to do when a call finds the session gone (the app shows the login again). */
export function whenExpired(handler: () => void) {
  onExpired = handler
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET') headers['x-csrf-token'] = decodeURIComponent(csrf())
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (response.status === 204) return undefined as T
  const data = await response.json().catch(() => ({}))
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/api/session')) onExpired()
    throw new ApiError(response.status, data)
  }
  return data as T
}

export interface Session {
  user: { id: string; username: string; role: string }
  stage?: 'full' | 'password-change' | 'totp-setup'
  csrf_token?: string
  permissions: string[]
  units: string[] | null
}

export interface PersonSummary {
  id: string
  name_display: string
  birth_date: string | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  phone: string | null
}

export interface Person extends Record<string, unknown> {
  id: string
  name_display: string
  birth_date: string | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  residences: { kind: string; unit_code: string; era: number; detail: string | null }[]
  relationships: { kind: string; name: string | null; personal_id: string | null; person_id: string | null }[]
  households: { household_id: string; relation_to_head: string | null }[]
  form_ids: string[]
}

/** A merge of register persons (dedup), with its persons' names, survivor first. */
export interface Merge {
  id: string
  state: 'pending' | 'applied' | 'rejected' | 'undo_pending' | 'undone'
  origin: 'auto' | 'officer'
  survivor_id: string
  absorbed_ids: string[]
  requested_by: string
  requested_at: string
  approved_by: string | null
  undo_requested_by: string | null
  undo_requested_at: string | null
  persons: { id: string; name_display: string | null; in_register: boolean }[]
}

/** What a merge became after an approval, a rejection or an undo. */
export interface MergeResult {
  id: string
  state: Merge['state']
}
