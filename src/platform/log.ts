// Logs go to stderr as JSON (pino). They never carry personal data: requests are logged by
// route pattern, never by URL or query string, and bodies are never logged.
import pino, { type Logger } from 'pino'

export type { Logger }

export function createLogger(level = process.env.COSO_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'coso' } }, pino.destination(2))
}
