import { ref, shallowRef } from 'vue'
import { eventsApi } from '@/api/events'
import type { ChainReport } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError } from '@/composables/useApiError'

export function useEvents() {
  const list = usePagedList((q) => eventsApi.list(q), {
    action: '',
    object_type: '',
    object_id: '',
    enterprise_id: undefined as number | null | undefined,
    since: '',
    until: '',
  }, 30)
  const report = shallowRef<ChainReport | null>(null)
  const verifying = ref(false)
  async function verify(): Promise<void> {
    verifying.value = true
    try {
      report.value = await eventsApi.verify()
    } catch (err) {
      notifyError(err)
    } finally {
      verifying.value = false
    }
  }
  return { ...list, report, verifying, verify }
}
