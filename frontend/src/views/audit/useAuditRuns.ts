import { onBeforeUnmount, reactive, ref } from 'vue'
import { useRouter } from 'vue-router'
import { auditApi } from '@/api/supervision'
import type { AuditRunCreate } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { useFormErrors } from '@/composables/useApiError'

const POLL_MS = 1500

export function useAuditRuns() {
  const router = useRouter()
  const list = usePagedList((q) => auditApi.runs(q), { period: '' })

  // While a run is queued or running, the list polls its progress.
  let timer: ReturnType<typeof setTimeout> | undefined
  async function refresh(): Promise<void> {
    await list.load()
    clearTimeout(timer)
    if (list.rows.value.some((r) => r.status === 'queued' || r.status === 'running')) {
      timer = setTimeout(() => void refresh(), POLL_MS)
    }
  }
  onBeforeUnmount(() => clearTimeout(timer))

  const dialog = ref(false)
  const draft = reactive<AuditRunCreate>({
    period: String(new Date().getFullYear()), scope: 'all', cluster: null, enterprise_ids: [],
  })
  const form = useFormErrors()
  async function start(): Promise<void> {
    try {
      const run = await auditApi.start({
        period: draft.period,
        scope: draft.scope,
        cluster: draft.scope === 'cluster' ? draft.cluster : null,
        enterprise_ids: draft.scope === 'enterprises' ? draft.enterprise_ids : [],
      })
      dialog.value = false
      await router.push(`/audit-runs/${run.id}`)
    } catch (err) {
      form.capture(err)
    }
  }

  return { ...list, refresh, dialog, draft, errors: form.errors, start }
}
