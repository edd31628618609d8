/** An enterprise's supervision history: its latest grade, flags, cases and filings. */
import { shallowRef } from 'vue'
import { auditApi, casesApi } from '@/api/supervision'
import { filingsApi } from '@/api/filings'
import { enterprisesApi } from '@/api/enterprises'
import type { Case, Flag, Grade } from '@/api/types'
import { notifyError } from '@/composables/useApiError'

type FilingRow = Awaited<ReturnType<typeof filingsApi.list>>['data'][number]

export function useSupervisionHistory(enterpriseId: number) {
  const grade = shallowRef<Grade | null>(null)
  const flags = shallowRef<Flag[]>([])
  const flagCount = shallowRef(0)
  const cases = shallowRef<Case[]>([])
  const filings = shallowRef<FilingRow[]>([])
  const filingCount = shallowRef(0)

  async function load(): Promise<void> {
    try {
      const [enterprise, runs, f, c, fi] = await Promise.all([
        enterprisesApi.get(enterpriseId),
        auditApi.runs({ limit: 20 }),
        auditApi.flags({ enterprise_id: enterpriseId, limit: 10 }),
        casesApi.list({ enterprise_id: enterpriseId, limit: 10 }),
        filingsApi.list({ enterprise_id: enterpriseId, limit: 10 }),
      ])
      flags.value = f.data
      flagCount.value = f.count
      cases.value = c.data
      filings.value = fi.data
      filingCount.value = fi.count
      const finished = runs.data.find((r) => r.status === 'finished')
      if (finished) {
        const grades = await auditApi.grades(finished.id)
        // Grades name the body by id when it is registered, always by credit code.
        grade.value = grades.data.find((g) => g.enterprise_id === enterpriseId || g.credit_code === enterprise.credit_code) ?? null
      }
    } catch (err) {
      notifyError(err)
    }
  }

  return { grade, flags, flagCount, cases, filings, filingCount, load }
}
