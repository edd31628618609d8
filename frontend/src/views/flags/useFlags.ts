import { ref } from 'vue'
import { useRoute } from 'vue-router'
import { auditApi } from '@/api/supervision'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError } from '@/composables/useApiError'
import { saveBlob, spreadsheetsApi } from '@/api/spreadsheets'
import { i18n } from '@/i18n'

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
  const exporting = ref(false)
  /** Every flag the current filters select, as a workbook. */
  async function exportSheet(): Promise<void> {
    exporting.value = true
    try {
      saveBlob(await spreadsheetsApi.flags(list.sent()), i18n.global.t('exports.flagsName'))
    } catch (err) {
      notifyError(err)
    } finally {
      exporting.value = false
    }
  }
  return { ...list, openId, exporting, exportSheet }
}
