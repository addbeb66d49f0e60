// Opening a CSV file of one of coso's small layouts (life events, cards held) for a command: what
// cannot be such a file — empty, a spreadsheet, binary — is refused before any row is read, the
// encoding detected (or forced) as for DC01 files, and its records read as they stream.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { AppError } from '../platform/errors.ts'
import { CsvParser, type CsvRecord } from './csv.ts'
import { createDecoder, detectEncoding, type Encoding } from './encoding.ts'

/** An error about a whole file, naming it (its base name only: paths may say whose it is). */
export function fileError(code: string, file: string, vi: string, en: string, details?: object): AppError {
  return new AppError(code, { vi: `${basename(file)}: ${vi}`, en: `${basename(file)}: ${en}` }, 400, { file: basename(file), ...details })
}

/** The file's size and encoding, once it is known to be a text file; `forced` overrides the detection. */
export function csvFileEncoding(path: string, forced?: Encoding): { size: number; encoding: Encoding; reason: string } {
  const size = statSync(path).size
  if (size === 0) throw fileError('FILE_EMPTY', path, 'tệp rỗng.', 'the file is empty.')
  const head = Buffer.alloc(Math.min(size, 64 * 1024))
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  if (head[0] === 0x50 && head[1] === 0x4b) {
    throw fileError(
      'FILE_FORMAT',
      path,
      'đây là bảng tính (XLSX): hãy lưu thành CSV UTF-8 (Lưu thành → CSV UTF-8).',
      'this is a spreadsheet (XLSX): save it as CSV UTF-8 first.',
    )
  }
  const detected = detectEncoding(head)
  if (!forced && detected.reason === 'binary') {
    throw fileError('FILE_BINARY', path, 'không phải tệp văn bản (dữ liệu nhị phân).', 'not a text file (binary data).')
  }
  return forced ? { size, encoding: forced, reason: 'forced (--encoding)' } : { size, encoding: detected.encoding, reason: detected.reason }
}

/**
 * The file's records in order. VIQR is read as UTF-8: its marks are decoded per value by the
 * caller, in the columns that hold text (an identifier may hold "dd").
 */
export async function* csvRecords(path: string, encoding: Encoding): AsyncGenerator<CsvRecord> {
  const decoder = createDecoder(encoding === 'viqr' ? 'utf-8' : encoding)
  const parser = new CsvParser()
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 })
  try {
    for await (const chunk of stream) yield* parser.push(decoder.write(chunk as Buffer))
    yield* parser.push(decoder.end())
    yield* parser.end()
  } finally {
    stream.destroy()
  }
}
