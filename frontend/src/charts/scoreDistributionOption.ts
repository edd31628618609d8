/** The ECharts option of a body's score distribution: its final scores as bars, its cluster
 * peers' distribution scaled to the body's count as a line, the pass line marked and the
 * bunching window just above it shaded. Pure, so the layout rules are tested without a canvas. */
import type { components } from '@/api/schema'
import { esc } from './grades'

export type ScoreDistribution = components['schemas']['ScoreDistributionPublic']

export interface ScoreDistributionLabels {
  body: string
  peers: string
  passLine: string
  window: string
  score: string
  margin: string
  applications: string
}

const round = (v: number) => Math.round(v * 100) / 100
const WINDOW = 'rgba(224,164,0,0.28)'

export function scoreDistributionOption(d: ScoreDistribution, labels: ScoreDistributionLabels) {
  // With one pass score the axis shows scores; with several, points from each session's line.
  const origin = d.pass_score ?? 0
  const w = d.bin_width
  const centre = (lower: number) => round(origin + lower + w / 2)
  const peersAtN = d.bins.map((b) => [centre(b.lower), round(b.peer_share * d.n)])
  const first = d.bins[0]?.lower ?? -w
  const last = (d.bins[d.bins.length - 1]?.lower ?? 0) + w
  const passLabel = d.pass_score === null ? labels.passLine : `${labels.passLine} ${d.pass_score}`
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (items: { seriesName: string; value: number[] }[]) => {
        const x = items[0]?.value[0] ?? 0
        const from = round(x - w / 2)
        const head = `${from} – ${round(from + w)}`
        return [head, ...items.filter((i) => i.value).map((i) => `${esc(i.seriesName)}: ${i.value[1]}`)].join('<br/>')
      },
    },
    legend: { top: 0, left: 'center', data: [labels.body, labels.peers, labels.window] },
    grid: { left: 56, right: 24, top: 48, bottom: 52 },
    xAxis: {
      type: 'value', name: d.pass_score === null ? labels.margin : labels.score, nameLocation: 'middle', nameGap: 30,
      // Ends on round scores, so the first and last tick labels do not crowd their neighbours.
      min: Math.floor((origin + first) / 5) * 5, max: Math.ceil((origin + last) / 5) * 5, minInterval: 1,
    },
    yAxis: { type: 'value', name: labels.applications, nameLocation: 'middle', nameGap: 36, minInterval: 1 },
    series: [
      {
        name: labels.body, type: 'bar', barWidth: '92%', itemStyle: { color: '#5b8def' },
        data: d.bins.map((b) => [centre(b.lower), b.count]),
        markLine: {
          silent: true, symbol: 'none', lineStyle: { color: '#d93f3f', type: 'solid', width: 2 },
          label: { formatter: passLabel, position: 'end' },
          data: [{ xAxis: origin }],
        },
        markArea: {
          silent: true, itemStyle: { color: WINDOW }, label: { show: false },
          data: [[{ xAxis: origin }, { xAxis: round(origin + d.window) }]],
        },
      },
      {
        name: labels.peers, type: 'line', smooth: true, showSymbol: false, z: 3,
        lineStyle: { color: '#7a8599', width: 2, type: 'dashed' }, itemStyle: { color: '#7a8599' },
        data: peersAtN,
      },
      // The window's legend entry (a narrow band has no room for its own label).
      { name: labels.window, type: 'bar', data: [], itemStyle: { color: WINDOW } },
    ],
  }
}
