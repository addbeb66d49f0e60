// A table sortable by any column (TanStack Table), as the overview's: each header a button that
// turns the order round, text in Vietnamese order, missing numbers last; on a phone each row
// stacks its labelled cells.
import {
  type ColumnDef,
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table'
import { type ReactNode, useMemo, useState } from 'react'
import { collator } from './living.tsx'

type Value = string | number | null

export interface SortColumn<T> {
  id: string
  header: string
  value: (row: T) => Value
  /** What the cell shows; the value as it is by default. */
  cell?: (row: T) => ReactNode
  numeric?: boolean
}

export function SortTable<T>({
  rows,
  columns,
  label,
  initial,
  rowKey,
}: {
  rows: T[]
  columns: SortColumn<T>[]
  label: string
  initial: SortingState
  rowKey: (row: T) => string
}) {
  const [sorting, setSorting] = useState<SortingState>(initial)
  const defs = useMemo(() => {
    const helper = createColumnHelper<T>()
    return columns.map(
      (c) =>
        helper.accessor((r) => c.value(r), {
          id: c.id,
          header: c.header,
          cell: (ctx) => (c.cell ? c.cell(ctx.row.original) : (ctx.getValue() ?? '—')),
          sortingFn: (a, b, id) => {
            const x = a.getValue<Value>(id)
            const y = b.getValue<Value>(id)
            if (x === null || y === null) return x === y ? 0 : x === null ? -1 : 1
            return typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
          },
        }) as ColumnDef<T, Value>,
    )
  }, [columns])
  const table = useReactTable({
    data: rows,
    columns: defs,
    state: { sorting },
    onSortingChange: setSorting,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: rowKey,
  })
  return (
    <table className="results stack" aria-label={label}>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((h) => {
              const sorted = h.column.getIsSorted()
              const numeric = columns.find((c) => c.id === h.column.id)?.numeric
              return (
                <th
                  key={h.id}
                  className={numeric ? 'number' : undefined}
                  aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                  </button>
                </th>
              )
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getVisibleCells().map((cell, i) => {
              const c = columns[i]
              return (
                <td key={cell.id} className={c?.numeric ? 'number' : undefined} data-label={i > 0 ? c?.header : undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
