import { ref } from 'vue'
import { useRoute, type LocationQuery } from 'vue-router'
import { auditApi } from '@/api/supervision'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError } from '@/composables/useApiError'
import { saveBlob, spreadsheetsApi } from '@/api/spreadsheets'
import { i18n } from '@/i18n'

/** The flag filters a link carries (`/flags?signal=…&enterprise_id=…`), so that a shared or
 * bookmarked list opens filtered; anything malformed is left unset. */
export function flagFilters(query: LocationQuery) {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '')
  const id = (v: unknown): number | undefined =>
    typeof v === 'string' && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : undefined
  return {
    run_id: id(query.run_id),
    signal: text(query.signal),
    severity: text(query.severity),
    band: text(query.band),
    scope: text(query.scope),
    enterprise_id: id(query.enterprise_id) as number | null | undefined,
  }
}

export function useFlags() {
  const route = useRoute()
  const list = usePagedList((q) => auditApi.flags(q), flagFilters(route.query))
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
