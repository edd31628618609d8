/** ECharts options of the regulator's overview: filings received by period and kind of body,
 * and the latest run's grades by cluster, both as stacked bars. */
import type { components } from '@/api/schema'
import { GRADES, GRADE_COLORS } from './grades'

export type Overview = components['schemas']['OverviewPublic']

export function filingsOption(o: Overview, labels: { kind: (code: string) => string; filings: string }) {
  const periods = [...new Set(o.filings.map((f) => f.period))].sort()
  const kinds = [...new Set(o.filings.map((f) => f.body_kind))].sort()
  const count = (p: string, k: string) => o.filings.find((f) => f.period === p && f.body_kind === k)?.count ?? 0
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: kinds.map(labels.kind) },
    grid: { left: 56, right: 16, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', name: labels.filings, nameLocation: 'middle', nameGap: 40, minInterval: 1 },
    series: kinds.map((k) => ({ name: labels.kind(k), type: 'bar', stack: 'f', barMaxWidth: 48, data: periods.map((p) => count(p, k)) })),
  }
}

export function gradesByClusterOption(o: Overview, labels: { cluster: (code: string) => string; grade: (code: string) => string; bodies: string }) {
  const rows = o.grades_by_cluster
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: GRADES.map((g) => labels.grade(g)) },
    grid: { left: 56, right: 16, top: 40, bottom: 48 },
    // Long English cluster names break onto two lines instead of running into each other.
    xAxis: { type: 'category', data: rows.map((r) => labels.cluster(r.cluster)), axisLabel: { interval: 0, width: 72, overflow: 'break' } },
    yAxis: { type: 'value', name: labels.bodies, nameLocation: 'middle', nameGap: 40, minInterval: 1 },
    series: GRADES.map((g) => ({
      name: labels.grade(g), type: 'bar', stack: 'g', barMaxWidth: 48, itemStyle: { color: GRADE_COLORS[g] },
      data: rows.map((r) => r.counts[g] ?? 0),
    })),
  }
}
