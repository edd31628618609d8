import { ref } from 'vue'
import { useRoute } from 'vue-router'
import { auditApi } from '@/api/supervision'
import { usePagedList } from '@/composables/usePagedList'

export function useFlags() {
  const route = useRoute()
  const runId = route.query.run_id ? Number(route.query.run_id) : undefined
  const list = usePagedList((q) => auditApi.flags(q), {
    run_id: runId as number | undefined,
    signal: '',
    severity: '',
    band: '',
    scope: '',
    enterprise_id: undefined as number | null | undefined,
  })
  const openId = ref<number | null>(null)
  return { ...list, openId }
}
