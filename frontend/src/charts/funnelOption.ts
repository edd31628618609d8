/** The ECharts option of a pass-rate funnel plot: every body of the peer group as a point,
 * the group rate, the 95% and 99.8% limits (over-dispersed, from the server), the selected
 * body drawn apart. Pure, so the layout rules are tested without a canvas. */
import type { components } from '@/api/schema'

export type Funnel = components['schemas']['FunnelPublic']

export interface FunnelLabels {
  bodies: string
  selected: string
  groupRate: string
  limit95: string
  limit998: string
  applications: string
  passRate: string
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`

export function funnelOption(f: Funnel, labels: FunnelLabels, selected?: string | null) {
  const point = (p: Funnel['points'][number]) => ({ name: p.name, value: [p.n, p.rate, p.passed] })
  const line = (name: string, color: string, type: 'solid' | 'dashed' | 'dotted', key: 'lower_95' | 'upper_95' | 'lower_998' | 'upper_998', legend = true) => ({
    name, type: 'line', showSymbol: false, silent: true, smooth: true,
    lineStyle: { color, type, width: 1.5 }, itemStyle: { color },
    data: f.curve.map((c) => [c.n, c[key]]), ...(legend ? {} : { legendHoverLink: false }),
  })
  const maxN = Math.max(...f.points.map((p) => p.n), 1)
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { name?: string; value: number[] } }) =>
        p.data.name ? `${p.data.name}<br/>${labels.passRate} ${pct(p.data.value[1]!)} (${p.data.value[2]}/${p.data.value[0]})` : '',
    },
    // The legend sits above the plot area and the axis titles outside it: they never meet.
    legend: { top: 0, left: 'center', data: [labels.bodies, labels.selected, labels.groupRate, labels.limit95, labels.limit998] },
    grid: { left: 64, right: 24, top: 76, bottom: 52, containLabel: false }, // a legend wrapped on two rows still clears the plot
    xAxis: { type: 'value', name: labels.applications, nameLocation: 'middle', nameGap: 30, min: 0, max: Math.ceil(maxN * 1.05) },
    yAxis: {
      type: 'value', name: labels.passRate, nameLocation: 'middle', nameGap: 46, min: 0, max: 1,
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    series: [
      { name: labels.bodies, type: 'scatter', symbolSize: 8, itemStyle: { color: '#7a8599', opacity: 0.75 }, data: f.points.filter((p) => p.credit_code !== selected).map(point) },
      { name: labels.selected, type: 'scatter', symbolSize: 16, symbol: 'diamond', z: 5, itemStyle: { color: '#2f6fed', borderColor: '#fff', borderWidth: 1 }, data: f.points.filter((p) => p.credit_code === selected).map(point) },
      { name: labels.groupRate, type: 'line', showSymbol: false, silent: true, lineStyle: { color: '#1a9b55', width: 1.5 }, itemStyle: { color: '#1a9b55' }, data: [[0, f.group_rate], [Math.ceil(maxN * 1.05), f.group_rate]] },
      line(labels.limit95, '#e0a400', 'dashed', 'upper_95'),
      { ...line(labels.limit95, '#e0a400', 'dashed', 'lower_95', false) },
      line(labels.limit998, '#d93f3f', 'solid', 'upper_998'),
      { ...line(labels.limit998, '#d93f3f', 'solid', 'lower_998', false) },
    ],
  }
}

/** The peer group a pass-rate flag names in its evidence: "=cluster|period|track:level", or
 * "*period|track:level" when the body's cluster was too small (its cluster is then unknown here). */
export function peerGroupOf(details: Record<string, unknown>): { cluster: string | null; track: string; level: string } | null {
  const [track = '', level = ''] = String(details.track_level ?? '').split(':')
  if (!track || !level) return null
  const group = String(details.peer_group ?? '')
  return { cluster: group.startsWith('=') ? group.slice(1).split('|')[0]! || null : null, track, level }
}
