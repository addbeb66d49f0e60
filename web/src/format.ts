// Vietnamese formats, whatever the language shown: dd/mm/yyyy, 1.234.567.

/** An ISO date at its precision (1950, 1950-03, 1950-03-07) as Vietnamese write it. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-')
  if (d) return `${d}/${m}/${y}`
  if (m) return `${m}/${y}`
  return y ?? ''
}

const numbers = new Intl.NumberFormat('vi-VN')
export const formatNumber = (n: number) => numbers.format(n)
