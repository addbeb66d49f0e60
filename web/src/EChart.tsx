// The ECharts side of Chart.tsx, in a chunk of its own: only the bar chart, its grid, tooltip and
// aria label are registered, drawn as SVG (crisp in print, lighter than the canvas renderer).
import { BarChart } from 'echarts/charts'
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components'
import { type ECharts, init, use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'
import type { ChartProps } from './Chart.tsx'
import { formatNumber } from './format.ts'

use([BarChart, GridComponent, TooltipComponent, AriaComponent, SVGRenderer])

export default function EChart({ label, bars, suffix = '', max }: ChartProps) {
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
    const show = (value: unknown) => (typeof value === 'number' ? `${formatNumber(value)}${suffix}` : '—')
    chart.current?.setOption(
      {
        // Without animation a re-render with the same numbers changes nothing on screen.
        animation: false,
        // The data in the label too: a screen reader hears what the bars show.
        aria: { enabled: true, label: { description: `${label}: ${bars.map((b) => `${b.name} ${show(b.value)}`).join('; ')}` } },
        textStyle: { fontFamily: getComputedStyle(box.current as HTMLDivElement).fontFamily },
        grid: { left: 8, right: 64, top: 8, bottom: 8 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: show },
        // Each bar carries its value: a value axis would only crowd a phone's width.
        xAxis: { type: 'value', max, show: false },
        // The first bar on top, as in a list.
        yAxis: { type: 'category', inverse: true, data: bars.map((b) => b.name), axisLabel: { width: 180, overflow: 'truncate' } },
        series: [
          {
            type: 'bar',
            data: bars.map((b) => b.value),
            itemStyle: { color: '#0b5cad' },
            label: { show: true, position: 'right', formatter: (p: { value: unknown }) => show(p.value) },
          },
        ],
      },
      { notMerge: true },
    )
  }, [label, bars, suffix, max])

  return <div ref={box} style={{ height: '100%' }} />
}
