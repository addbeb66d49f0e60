// UUIDv7 ids, made by the application (time-ordered, so inserts land at the end of indexes).
// Written here because the uuid package draws 16 random bytes from the OS for every id, which
// was a tenth of an import's time; this draws them from a pool refilled 4 KiB at a time.
import { randomFillSync } from 'node:crypto'

const pool = Buffer.alloc(4096)
let offset = pool.length
let lastMs = 0
let sequence = 0
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function uuidv7(now = Date.now()): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  // 12 bits after the timestamp count ids made in the same millisecond, keeping them ordered.
  if (now <= lastMs) {
    sequence++
    if (sequence > 0xfff) {
      lastMs++
      sequence = 0
    }
  } else {
    lastMs = now
    // A random start below 256 leaves room for 3,840 more ids in the same millisecond.
    sequence = pool[offset] as number
  }
  const ms = lastMs
  const b = pool
  const o = offset
  offset += 10
  const t = ms.toString(16).padStart(12, '0')
  const rand =
    (HEX[b[o + 2] as number] as string) +
    HEX[b[o + 3] as number] +
    HEX[b[o + 4] as number] +
    HEX[b[o + 5] as number] +
    HEX[b[o + 6] as number] +
    HEX[b[o + 7] as number]
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${(sequence >> 8).toString(16)}${HEX[sequence & 0xff]}-${HEX[((b[o] as number) & 0x3f) | 0x80]}${HEX[b[o + 1] as number]}-${rand}`
}

/** The smallest UUIDv7 of a moment: ids are time-ordered, so a time range is an id range. */
export function uuidv7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`
}
