import { computed, ref, shallowRef } from 'vue'
import { useRoute } from 'vue-router'
import { auditApi } from '@/api/supervision'
import { enterprisesApi } from '@/api/enterprises'
import type { AuditRun, Enterprise, FlagEvidence, Grade } from '@/api/types'
import { notifyError } from '@/composables/useApiError'
import { peerGroupOf } from '@/charts/funnelOption'
import { saveBlob, spreadsheetsApi } from '@/api/spreadsheets'
import { i18n } from '@/i18n'

export const GRADES = ['A', 'B', 'C', 'D'] as const
const FUNNEL_SIGNAL = 'stat.pass_rate_outlier'
const FUNNEL_MAX = 60

export interface FunnelPoint {
  flagId: number
  creditCode: string
  n: number
  observed: number
  expected: number | null
  upper95: number | null
  upper998: number | null
  band: string
  /** The peer group the audit compared the body with (for the funnel plot). */
  cluster: string | null
  track: string
  level: string
}

export function useGrades() {
  const route = useRoute()
  const runs = shallowRef<AuditRun[]>([])
  const runId = ref<number | null>(route.query.run_id ? Number(route.query.run_id) : null)
  const grades = shallowRef<Grade[]>([])
  const enterprises = shallowRef<Map<number, Enterprise>>(new Map())
  const funnel = shallowRef<FunnelPoint[]>([])
  const funnelPick = ref<number | null>(null) // the flag whose body the funnel plot highlights
  const loading = ref(false)
  const gradeFilter = ref<string>('')

  async function init(): Promise<void> {
    try {
      const [r, e] = await Promise.all([auditApi.runs({ limit: 200 }), enterprisesApi.list({ limit: 500 })])
      runs.value = r.data.filter((x) => x.status === 'finished')
      enterprises.value = new Map(e.data.map((x) => [x.id, x]))
      runId.value ??= runs.value[0]?.id ?? null
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  async function load(): Promise<void> {
    if (runId.value === null) return
    loading.value = true
    try {
      const [g, f] = await Promise.all([
        auditApi.grades(runId.value),
        auditApi.flags({ run_id: runId.value, signal: FUNNEL_SIGNAL, limit: FUNNEL_MAX }),
      ])
      grades.value = g.data
      const clusterByCode = new Map([...enterprises.value.values()].map((e) => [e.credit_code, e.industry_cluster]))
      // Each flag's evidence names the body's peer group, whose funnel the server draws.
      const evidence: FlagEvidence[] = await Promise.all(f.data.map((x) => auditApi.flag(x.id)))
      funnel.value = evidence
        .filter((x) => x.n !== null && x.observed !== null)
        .map((x) => {
          const d = (x.evidence.details ?? {}) as Record<string, unknown>
          const l95 = d.limits_95 as number[] | undefined
          const l998 = d.limits_998 as number[] | undefined
          const peer = peerGroupOf(d)
          const [track, level] = [peer?.track ?? '', peer?.level ?? '']
          const cluster = peer ? peer.cluster ?? clusterByCode.get(x.credit_code) ?? null : null
          return {
            flagId: x.id, creditCode: x.credit_code, n: x.n as number, observed: x.observed as number,
            expected: x.expected, upper95: l95?.[1] ?? null, upper998: l998?.[1] ?? null, band: x.band,
            cluster, track, level,
          }
        })
      funnelPick.value = funnel.value.find((p) => p.cluster && p.track && p.level)?.flagId ?? null
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  const clusterOf = (g: Grade) => (g.enterprise_id !== null ? enterprises.value.get(g.enterprise_id)?.industry_cluster : undefined) ?? 'other'
  const nameOf = (g: Grade) => (g.enterprise_id !== null ? enterprises.value.get(g.enterprise_id)?.name : undefined) ?? g.credit_code

  /** Counts of each grade per industry cluster, for the stacked bar chart. */
  const byCluster = computed(() => {
    const clusters = [...new Set(grades.value.map(clusterOf))].sort()
    const counts = Object.fromEntries(GRADES.map((g) => [g, clusters.map(() => 0)])) as Record<string, number[]>
    for (const g of grades.value) {
      const row = counts[g.grade]
      if (row) row[clusters.indexOf(clusterOf(g))]! += 1
    }
    return { clusters, counts }
  })
  const totals = computed(() => Object.fromEntries(GRADES.map((g) => [g, grades.value.filter((x) => x.grade === g).length])))
  const shown = computed(() => {
    const rows = gradeFilter.value ? grades.value.filter((g) => g.grade === gradeFilter.value) : grades.value
    return [...rows].sort((a, b) => b.risk_score - a.risk_score)
  })
  const reasonsOf = (g: Grade) => g.reasons.filter((r) => typeof r.reason === 'string') as { reason: string; reason_en?: string }[]

  const exporting = ref(false)
  /** The run's grades as a workbook, narrowed to the grade picked above the table. */
  async function exportSheet(): Promise<void> {
    if (runId.value === null) return
    exporting.value = true
    try {
      saveBlob(await spreadsheetsApi.grades(runId.value, gradeFilter.value), i18n.global.t('exports.gradesName'))
    } catch (err) {
      notifyError(err)
    } finally {
      exporting.value = false
    }
  }

  const funnelPoint = computed(() => funnel.value.find((p) => p.flagId === funnelPick.value) ?? null)
  const codeName = (code: string) => [...enterprises.value.values()].find((e) => e.credit_code === code)?.name ?? code

  return { exporting, exportSheet, runs, runId, grades, funnel, funnelPick, funnelPoint, codeName, loading, gradeFilter, init, load, byCluster, totals, shown, clusterOf, nameOf, reasonsOf }
}
