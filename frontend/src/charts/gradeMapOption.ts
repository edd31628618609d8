/** The ECharts option of the grade map: one row per industry cluster, one square per review
 * body (riskiest first), coloured by grade; the tooltip gives the evidence behind the grade. */
import type { components } from '@/api/schema'
import { GRADES, GRADE_COLORS, esc } from './grades'

export type GradeMap = components['schemas']['GradeMapPublic']
export type GradeCell = components['schemas']['GradeCell']

export interface GradeMapLabels {
  cluster: (code: string) => string
  grade: (code: string) => string
  evidence: string
  flags: string
  applications: string
  bodies: string
}

export interface GradeMapDatum { value: [number, number]; cell: GradeCell }

/** Cells laid out in rows of clusters; x is the rank within the cluster. */
export function gradeMapLayout(map: GradeMap): GradeMapDatum[] {
  const rank = new Map<string, number>()
  return map.cells.map((cell) => {
    const i = rank.get(cell.cluster) ?? 0
    rank.set(cell.cluster, i + 1)
    return { value: [i, map.clusters.indexOf(cell.cluster)], cell }
  })
}

export function gradeMapOption(map: GradeMap, labels: GradeMapLabels, width = 900) {
  const data = gradeMapLayout(map)
  const widest = Math.max(1, ...data.map((d) => d.value[0] + 1))
  const left = 120
  // Squares fill the row's width, never wider than the row is tall.
  const size = Math.max(6, Math.min(22, Math.floor((width - left - 24) / widest) - 2))
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: GradeMapDatum }) => {
        const c = p.data.cell
        return `<b>${esc(c.name)}</b><br/>${esc(labels.cluster(c.cluster))} · ${esc(labels.grade(c.grade))}<br/>`
          + `${esc(labels.evidence)}: ${c.evidence.toFixed(2)}<br/>${esc(labels.flags)}: ${c.flag_count} · ${esc(labels.applications)}: ${c.application_count}`
      },
    },
    legend: { top: 0, left: 'center', data: GRADES.map((g) => labels.grade(g)) },
    grid: { left, right: 24, top: 40, bottom: 36 },
    xAxis: { type: 'value', name: labels.bodies, nameLocation: 'middle', nameGap: 22, min: -1, max: widest, show: true, axisLabel: { show: false }, splitLine: { show: false }, axisTick: { show: false } },
    yAxis: { type: 'category', inverse: true, data: map.clusters.map(labels.cluster), axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false } },
    series: GRADES.map((g) => ({
      name: labels.grade(g), type: 'scatter', symbol: 'rect', symbolSize: size, cursor: 'pointer',
      itemStyle: { color: GRADE_COLORS[g], borderColor: '#fff', borderWidth: 1 },
      data: data.filter((d) => d.cell.grade === g),
    })),
  }
}
