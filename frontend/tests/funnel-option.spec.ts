import { describe, expect, it } from 'vitest'
import { funnelOption, peerGroupOf, type Funnel } from '@/charts/funnelOption'

const labels = { bodies: 'B', selected: 'S', groupRate: 'G', limit95: 'L95', limit998: 'L998', applications: 'n', passRate: 'r' }
const f: Funnel = {
  run_id: 1, period: '2026', cluster: '船舶海工', track: 'skill', level: 'grade4', all_clusters: false, group_rate: 0.6, phi: 1.4,
  points: [
    { credit_code: 'A', enterprise_id: 1, name: '甲', cluster: '船舶海工', n: 20, passed: 19, rate: 0.95, p_value: 0.001, band: 'alarm' },
    { credit_code: 'B', enterprise_id: 2, name: '乙', cluster: '船舶海工', n: 40, passed: 24, rate: 0.6, p_value: 0.5, band: null },
  ],
  curve: [
    { n: 1, lower_95: 0, upper_95: 1, lower_998: 0, upper_998: 1 },
    { n: 40, lower_95: 0.47, upper_95: 0.73, lower_998: 0.38, upper_998: 0.82 },
  ],
}
type Series = { name: string; type: string; data: unknown[] }

describe('funnelOption', () => {
  it('draws every body and the selected one apart', () => {
    const series = funnelOption(f, labels, 'A').series as Series[]
    expect(series[0]!.data).toEqual([{ name: '乙', value: [40, 0.6, 24] }])
    expect(series[1]!.data).toEqual([{ name: '甲', value: [20, 0.95, 19] }])
    // Nothing selected: every body is a plain point.
    expect((funnelOption(f, labels).series as Series[])[0]!.data).toHaveLength(2)
  })

  it('draws both limits on both sides from the server curve and the group rate across', () => {
    const series = funnelOption(f, labels, 'A').series as Series[]
    const lines = series.filter((s) => s.type === 'line')
    expect(lines.filter((s) => s.name === 'L95').map((s) => s.data)).toEqual([[[1, 1], [40, 0.73]], [[1, 0], [40, 0.47]]])
    expect(lines.filter((s) => s.name === 'L998')).toHaveLength(2)
    expect(lines.find((s) => s.name === 'G')!.data).toEqual([[0, 0.6], [42, 0.6]])
  })

  it('keeps the legend above the plot and the axis titles outside it', () => {
    const o = funnelOption(f, labels, 'A')
    expect(o.legend.top).toBe(0)
    expect(o.grid.top).toBeGreaterThanOrEqual(72) // room for the legend, wrapped on two rows in a narrow card
    expect(o.xAxis.nameLocation).toBe('middle')
    expect(o.yAxis.nameLocation).toBe('middle')
    expect(o.yAxis.nameGap).toBeLessThan(o.grid.left) // the y title stays inside the left margin
  })
})

describe('peerGroupOf', () => {
  it("reads a flag's peer group, with or without its own cluster", () => {
    expect(peerGroupOf({ track_level: 'skill:grade4', peer_group: '=船舶海工|2026|skill:grade4' })).toEqual({ cluster: '船舶海工', track: 'skill', level: 'grade4' })
    expect(peerGroupOf({ track_level: 'skill:grade4', peer_group: '*2026|skill:grade4' })).toEqual({ cluster: null, track: 'skill', level: 'grade4' })
    expect(peerGroupOf({})).toBeNull()
  })
})
