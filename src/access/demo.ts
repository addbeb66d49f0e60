// Demo users for `npm start` on an empty database: one per role, with random passwords printed
// once at start-up. Nowhere else does coso create a user by itself (no default credentials).
import type { Db } from '../platform/db.ts'
import { oneTimePassword } from './password.ts'
import type { Role } from './roles.ts'
import { addUser, cliActor, listUsers } from './service.ts'

export const DEMO_USERS: { username: string; role: Role; units: string[]; note: string }[] = [
  { username: 'admin', role: 'province-admin', units: [], note: 'quản trị tỉnh / province admin (TOTP set up at first login)' },
  { username: 'phantich', role: 'province-analyst', units: [], note: 'phân tích tỉnh / province analyst' },
  { username: 'hatu', role: 'commune-officer', units: ['06652'], note: 'công an phường Hà Tu / officer of Hà Tu (06652)' },
  { username: 'hatu.truong', role: 'commune-head', units: ['06652'], note: 'trưởng công an Hà Tu / head of Hà Tu (06652)' },
  { username: 'coto', role: 'commune-officer', units: ['07192'], note: 'công an đặc khu Cô Tô / officer of Cô Tô (07192)' },
  { username: 'cancuoc', role: 'card-clerk', units: ['06652'], note: 'cán bộ căn cước / card clerk of Hà Tu' },
  { username: 'kiemtra', role: 'auditor', units: [], note: 'kiểm tra / auditor' },
]

/** Creates the demo users when the database has none; returns them with their passwords. */
export async function seedDemoUsers(db: Db): Promise<{ username: string; role: Role; password: string; note: string }[] | undefined> {
  if ((await listUsers(db)).length > 0) return undefined
  const made = []
  for (const u of DEMO_USERS) {
    // Two one-time passwords joined: 33 characters, no forced change in the demo.
    const password = `${oneTimePassword()}-${oneTimePassword()}`
    await addUser(db, { ...cliActor(), name: 'demo' }, { username: u.username, role: u.role, units: u.units, password })
    made.push({ username: u.username, role: u.role, password, note: u.note })
  }
  return made
}
