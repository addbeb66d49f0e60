// JSON that is safe to drop into a web page: values typed by people ("<script>" as a name)
// never reach a page as markup, even through a client that inserts JSON into HTML.

/** Escapes <, > and & in JSON text; the JSON means the same. */
export function escapeMarkup(json: string): string {
  return json.replace(/[<>&]/g, (c) => (c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : '\\u0026'))
}
