/** The ECharts option of a body's risk over audit runs: its evidence (weighted −log10 p) as a
 * line over the grade bands A < 2, B < 4, C < 6, D ≥ 6 (from the server) shaded behind it. */
import type { components } from '@/api/schema'
import { GRADE_BANDS, GRADE_COLORS, boundText, esc } from './grades'

export type RiskHistory = components['schemas']['RiskHistoryPublic']

export interface RiskHistoryLabels {
  evidence: string
  run: (p: RiskHistory['points'][number]) => string
  grade: (code: string) => string
}

export function riskHistoryOption(h: RiskHistory, labels: RiskHistoryLabels) {
  const top = Math.max(...h.bounds.map((b) => b.lower), ...h.points.map((p) => p.evidence)) * 1.15 + 0.5
  const yMax = Math.ceil(top)
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (items: { dataIndex: number }[]) => {
        const p = h.points[items[0]?.dataIndex ?? 0]
        return p ? `${esc(labels.run(p))}<br/>${esc(labels.evidence)}: ${p.evidence.toFixed(2)}<br/>${esc(labels.grade(p.grade))}` : ''
      },
    },
    grid: { left: 56, right: 64, top: 24, bottom: 56 },
    xAxis: { type: 'category', data: h.points.map(labels.run), boundaryGap: h.points.length < 2, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', name: labels.evidence, nameLocation: 'middle', nameGap: 36, min: 0, max: yMax },
    series: [
      {
        name: labels.evidence, type: 'line', symbolSize: 10, lineStyle: { color: '#303133', width: 2 },
        label: { show: true, position: 'top', formatter: (p: { value: number }) => p.value.toFixed(1) },
        itemStyle: { color: '#303133' },
        data: h.points.map((p) => ({ value: Number(p.evidence.toFixed(3)), itemStyle: { color: GRADE_COLORS[p.grade] } })),
        markArea: {
          silent: true,
          label: { position: 'right', color: '#606266' },
          data: h.bounds.map((b) => [
            { yAxis: b.lower, name: boundText(b), itemStyle: { color: GRADE_BANDS[b.grade] } },
            { yAxis: b.upper ?? yMax },
          ]),
        },
      },
    ],
  }
}
