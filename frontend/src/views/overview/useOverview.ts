/** The regulator's overview: filings received, audit runs, open cases, grades by cluster. */
import { computed, ref, shallowRef } from 'vue'
import { auditApi } from '@/api/supervision'
import type { Overview } from '@/charts/overviewOption'
import { notifyError } from '@/composables/useApiError'

// Case statuses still waiting for the regulator's work.
const OPEN = ['open', 'assigned']

export function useOverview() {
  const overview = shallowRef<Overview | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      overview.value = await auditApi.overview()
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  const openCases = computed(() =>
    (overview.value?.cases_by_status ?? []).filter((c) => OPEN.includes(c.key)).reduce((n, c) => n + c.count, 0),
  )
  const gradedBodies = computed(() =>
    (overview.value?.grades_by_cluster ?? []).reduce((n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0), 0),
  )

  return { overview, loading, load, openCases, gradedBodies }
}
