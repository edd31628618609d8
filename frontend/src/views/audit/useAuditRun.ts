import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { auditApi } from '@/api/supervision'
import type { AuditRun, Grade, RunComparison } from '@/api/types'
import { notifyError } from '@/composables/useApiError'

const POLL_MS = 1000
export const STAGES = ['queued', 'loading', 'analysing', 'finished'] as const

export function useAuditRun(id: number) {
  const run = shallowRef<AuditRun | null>(null)
  const comparison = shallowRef<RunComparison | null>(null)
  const grades = shallowRef<Grade[]>([])
  const loading = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  const busy = computed(() => run.value?.status === 'queued' || run.value?.status === 'running')
  const stageIndex = computed(() => {
    if (!run.value) return 0
    if (run.value.status === 'finished') return STAGES.length
    const base = run.value.stage.split(':')[0]
    const i = STAGES.indexOf(base as (typeof STAGES)[number])
    return i < 0 ? 0 : i
  })
  const subStage = computed(() => run.value?.stage.split(':')[1] ?? '')

  async function poll(): Promise<void> {
    try {
      run.value = await auditApi.run(id)
    } catch (err) {
      notifyError(err)
      return
    }
    clearTimeout(timer)
    if (busy.value) timer = setTimeout(() => void poll(), POLL_MS)
    else if (run.value.status === 'finished') await loadResults()
  }

  async function loadResults(): Promise<void> {
    try {
      const [c, g] = await Promise.all([auditApi.compare(id), auditApi.grades(id)])
      comparison.value = c
      grades.value = g.data
    } catch (err) {
      notifyError(err)
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    await poll()
    loading.value = false
  }
  onBeforeUnmount(() => clearTimeout(timer))

  return { run, comparison, grades, loading, busy, stageIndex, subStage, load }
}
