// Horizontal bar charts. ECharts is loaded only when a chart first shows, so that it never weighs
// on the login and search pages; its box keeps its size meanwhile, so nothing jumps.
import { lazy, Suspense } from 'react'
import { useI18n } from './i18n/i18n.tsx'

export interface ChartProps {
  /** What the chart shows: its name for screen readers, with the data after it. */
  label: string
  bars: { name: string; value: number | null }[]
  /** After each value, as in 87%. */
  suffix?: string
  /** The full length of a bar when the scale has one (100 for percentages); else the largest value. */
  max?: number
}

const EChart = lazy(() => import('./EChart.tsx'))

export function Chart(props: ChartProps) {
  const { t } = useI18n()
  // Room for each bar and its name.
  return (
    <div className="chart" style={{ height: `${1 + 1.75 * props.bars.length}rem` }}>
      <Suspense fallback={<p>{t('app.loading')}</p>}>
        <EChart {...props} />
      </Suspense>
    </div>
  )
}
