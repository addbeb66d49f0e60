// Passwords: the policy (length and a common-password list) and argon2id hashing.
import { randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { dictionary } from '@zxcvbn-ts/language-common'

export const MIN_LENGTH = 12

// The most common passwords of public breach corpora (zxcvbn's list, ~30,000 entries).
let common: Set<string> | undefined
const commonPasswords = () => {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))
  return common
}

export type PasswordProblem = 'too-short' | 'common' | 'contains-username'

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < MIN_LENGTH) return 'too-short'
  const lower = password.toLowerCase()
  if (commonPasswords().has(lower)) return 'common'
  // "password123456" and "qwertyuiop12" are the common word with digits or symbols around it.
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '')
  if (core.length >= 4 && core !== lower && commonPasswords().has(core) && lower.length - core.length < 8) return 'common'
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'contains-username'
  return null
}

export const PASSWORD_MESSAGES: Record<PasswordProblem, { vi: string; en: string }> = {
  'too-short': { vi: `Mật khẩu cần ít nhất ${MIN_LENGTH} ký tự.`, en: `The password needs at least ${MIN_LENGTH} characters.` },
  common: { vi: 'Mật khẩu quá phổ biến, dễ bị đoán.', en: 'The password is too common and easy to guess.' },
  'contains-username': { vi: 'Mật khẩu không được chứa tên đăng nhập.', en: 'The password must not contain the username.' },
}

// argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: OWASP's baseline).
export const hashPassword = (password: string) => hash(password)

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password)
  } catch {
    return false
  }
}

/** A one-time password: 16 characters from an alphabet without look-alikes (0/O, 1/l/I). */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(32)
  let out = ''
  for (const b of bytes) {
    if (b >= 224) continue // 224 = 4 × 56: keeps the choice uniform
    out += alphabet[b % alphabet.length]
    if (out.length === 16) return out
  }
  return out + oneTimePassword().slice(out.length)
}
