// Column charts of one or more series over a category axis: applications per day, cards received
// per officer and hour. As Chart.tsx, ECharts is loaded only when such a chart first shows, and its
// box keeps its size meanwhile. The same numbers are always in a table beside it.
import { lazy, Suspense } from 'react'
import { useI18n } from './i18n/i18n.tsx'

export interface SeriesChartProps {
  /** What the chart shows: its name for screen readers, with the data after it. */
  label: string
  /** The category axis: days, hours. */
  categories: string[]
  series: { name: string; values: number[] }[]
  /** Stack the series in one column per category rather than side by side. */
  stack?: boolean
}

const ESeriesChart = lazy(() => import('./ESeriesChart.tsx'))

export function SeriesChart(props: SeriesChartProps) {
  const { t } = useI18n()
  return (
    <div className="chart" style={{ height: '18rem' }}>
      <Suspense fallback={<p>{t('app.loading')}</p>}>
        <ESeriesChart {...props} />
      </Suspense>
    </div>
  )
}
