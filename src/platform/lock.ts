// PGlite has no lock of its own and two processes on one data directory corrupt it, so an
// embedded data directory is held through a pid file, like PostgreSQL's postmaster.pid.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { AppError } from './errors.ts'

const heldHere = new Set<string>()

export interface Lock {
  release(): void
}

interface Holder {
  pid: number
  host: string
  since: string
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder
  } catch {
    return undefined // half-written or unreadable: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function inUse(dir: string, holder: Holder): AppError {
  return new AppError(
    'DATA_DIR_IN_USE',
    {
      vi: `Thư mục dữ liệu ${dir} đang được một tiến trình coso khác sử dụng (pid ${holder.pid}). Hãy dừng tiến trình đó, hoặc dùng API của nó.`,
      en: `The data directory ${dir} is in use by another coso process (pid ${holder.pid}). Stop that process, or use its API.`,
    },
    409,
    { pid: holder.pid, host: holder.host, since: holder.since },
  )
}

export function acquireLock(dir: string): Lock {
  const path = join(dir, 'coso.lock')
  if (heldHere.has(path)) throw inUse(dir, { pid: process.pid, host: hostname(), since: '' })
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }))
      closeSync(fd)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
      const holder = readHolder(path)
      // A holder on another host (a shared folder) cannot be checked: assume it is alive.
      if (holder && (holder.host !== hostname() || isAlive(holder.pid))) throw inUse(dir, holder)
      unlinkSync(path) // stale: its process is gone
    }
  }
  heldHere.add(path)
  const release = () => {
    if (!heldHere.delete(path)) return
    if (readHolder(path)?.pid === process.pid) unlinkSync(path)
  }
  process.once('exit', release)
  return {
    release() {
      process.off('exit', release)
      release()
    },
  }
}
