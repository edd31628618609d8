import { sessionsApi } from '@/api/reviews'
import { usePagedList } from '@/composables/usePagedList'

export function usePanels() {
  return usePagedList((q) => sessionsApi.list(q), {})
}
