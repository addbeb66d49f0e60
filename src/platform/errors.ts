// One error shape for the API and the CLI: a stable code, a message in Vietnamese and English,
// and details a client can act on (file, row, field, rule). Never put personal data in `details`
// of errors that are logged.

export interface Message {
  vi: string
  en: string
}

export class AppError extends Error {
  readonly code: string
  readonly text: Message
  readonly status: number
  readonly details: unknown

  constructor(code: string, text: Message, status = 400, details?: unknown) {
    super(text.en)
    this.name = 'AppError'
    this.code = code
    this.text = text
    this.status = status
    this.details = details
  }
}

export const notFound = (what: Message, details?: unknown) =>
  new AppError('NOT_FOUND', { vi: `Không tìm thấy ${what.vi}.`, en: `${what.en} not found.` }, 404, details)

export const badInput = (text: Message, details?: unknown) => new AppError('BAD_INPUT', text, 400, details)
