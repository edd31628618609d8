import { filingsApi } from '@/api/filings'
import { usePagedList } from '@/composables/usePagedList'

export function useFilings() {
  return usePagedList((q) => filingsApi.list(q), { period: '', credit_code: '' })
}
