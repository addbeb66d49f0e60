// A progress line on stderr: a bar on a terminal, a plain line every few seconds otherwise.
export function progressReporter(label: string) {
  const tty = process.stderr.isTTY
  // Off a terminal (logs, CI), a line every few seconds; COSO_PROGRESS_MS sets how many.
  const every = tty ? 0 : Number(process.env.COSO_PROGRESS_MS ?? 5000)
  const start = performance.now()
  let lastPrint = 0
  return {
    update(done: number, total: number, rows: number) {
      const now = performance.now()
      if (now - lastPrint < every) return
      lastPrint = now
      const seconds = (now - start) / 1000
      const fraction = total > 0 ? Math.min(1, done / total) : 0
      const rate = rows / Math.max(seconds, 0.001)
      const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : 0
      const width = 24
      const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '░')
      const line = `${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% · ${rows.toLocaleString('vi-VN')} dòng/rows · ${Math.round(rate).toLocaleString('vi-VN')} dòng/s · ETA ${clock(eta)}`
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    },
    done() {
      if (tty) process.stderr.write('\n')
    },
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
