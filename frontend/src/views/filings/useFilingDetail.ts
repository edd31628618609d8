import { computed, ref, shallowRef } from 'vue'
import { filingsApi } from '@/api/filings'
import type { FilingDocument } from '@/api/types'
import { notifyError } from '@/composables/useApiError'

type Row = Record<string, unknown>

export function useFilingDetail(filingId: string) {
  const filing = shallowRef<FilingDocument | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      filing.value = await filingsApi.get(filingId)
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  const doc = computed(() => (filing.value?.document ?? {}) as Row)
  const panel = computed(() => (doc.value.panel as Row[] | undefined) ?? [])
  const applications = computed(() => (doc.value.applications as Row[] | undefined) ?? [])

  return { filing, loading, load, doc, panel, applications }
}
