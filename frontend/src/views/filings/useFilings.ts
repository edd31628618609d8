import { ref } from 'vue'
import { filingsApi } from '@/api/filings'
import { saveBlob, spreadsheetsApi } from '@/api/spreadsheets'
import { notifyError } from '@/composables/useApiError'
import { usePagedList } from '@/composables/usePagedList'
import { i18n } from '@/i18n'

export function useFilings() {
  const list = usePagedList((q) => filingsApi.list(q), { period: '', credit_code: '' })
  const exporting = ref(false)
  /** Every filing the current filters select, as a workbook. */
  async function exportSheet(): Promise<void> {
    exporting.value = true
    try {
      saveBlob(await spreadsheetsApi.filings(list.sent()), i18n.global.t('exports.filingsName'))
    } catch (err) {
      notifyError(err)
    } finally {
      exporting.value = false
    }
  }
  return { ...list, exporting, exportSheet }
}
