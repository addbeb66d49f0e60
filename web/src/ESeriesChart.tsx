// The ECharts side of SeriesChart.tsx, in a chunk of its own: columns over a category axis with a
// legend, drawn as SVG like the bar charts.
import { BarChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { type ECharts, init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'
import { formatNumber } from './format.ts'
import type { SeriesChartProps } from './SeriesChart.tsx'

use([BarChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer])

/** Colours that stay apart for the colour-blind (blue, orange, and on). */
const COLOURS = ['#0b5cad', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#555555']

export default function ESeriesChart({ label, categories, series, stack }: SeriesChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<ECharts>(null)

  useEffect(() => {
    const dom = box.current as HTMLDivElement
    const instance = init(dom, null, { renderer: 'svg' })
    chart.current = instance
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(dom)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    // Only the categories with something to say: thirty days of zeros read as nothing at all.
    const told = categories
      .map((c, i) => ({
        c,
        values: series.map((s) => `${s.name} ${formatNumber(s.values[i] ?? 0)}`),
        any: series.some((s) => s.values[i]),
      }))
      .filter((x) => x.any)
      .map((x) => `${x.c}: ${x.values.join(', ')}`)
    chart.current?.setOption(
      {
        animation: false,
        aria: { enabled: true, label: { description: `${label}: ${told.length > 0 ? told.join('; ') : '0'}` } },
        textStyle: { fontFamily: getComputedStyle(box.current as HTMLDivElement).fontFamily },
        color: COLOURS,
        legend: { top: 0, data: series.map((s) => s.name) },
        grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => formatNumber(Number(v)) },
        xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
        yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => formatNumber(v) } },
        // A column no wider than a thumb, even when there is only one hour to show.
        series: series.map((s) => ({ type: 'bar', name: s.name, data: s.values, stack: stack ? 'all' : undefined, barMaxWidth: 40 })),
      },
      { notMerge: true },
    )
  }, [label, categories, series, stack])

  return <div ref={box} style={{ height: '100%' }} />
}
