import { ref, shallowRef, toRaw } from 'vue'
import { cleanedRule, duplicateCodes, type EquivalenceRuleRow } from '@/components/rules/equivalenceRules'
import { ElMessage } from 'element-plus'
import { baselinesApi, equivalenceApi } from '@/api/standards'
import type { EquivalenceVersion, StandardVersion } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { confirmAction } from '@/composables/useReason'
import { i18n } from '@/i18n'

export function useBaselines() {
  const t = i18n.global.t
  const list = usePagedList((q) => baselinesApi.list(q), { track: '' as '' | 'title' | 'skill', status: '' as '' | 'draft' | 'published' | 'retired' })

  // one baseline open in a drawer
  const open = shallowRef<StandardVersion | null>(null)
  const document = ref<Record<string, unknown>>({})
  const form = useFormErrors()
  /** Table rows may be reactive proxies, which structuredClone refuses (DataCloneError). */
  function copyOf(doc: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(JSON.stringify(toRaw(doc))) as Record<string, unknown>
  }
  function display(version: StandardVersion): void {
    open.value = version
    document.value = copyOf(version.document)
    form.clear()
  }
  /** Open the server's own copy of a baseline, not the list row. */
  async function show(row: StandardVersion): Promise<void> {
    display(toRaw(row))
    try {
      display(await baselinesApi.get(row.id))
    } catch (err) {
      notifyError(err)
    }
  }
  async function save(): Promise<void> {
    if (!open.value) return
    try {
      display(await baselinesApi.update(open.value.id, document.value))
      ElMessage.success(t('common.saved'))
      await list.load()
    } catch (err) {
      form.capture(err)
    }
  }
  async function publish(): Promise<void> {
    if (!open.value || !(await confirmAction(t('baselines.publishConfirm'), t('standards.publish')))) return
    try {
      display(await baselinesApi.publish(open.value.id, open.value.row_version))
      await list.load()
    } catch (err) {
      form.capture(err)
    }
  }
  async function newVersion(): Promise<void> {
    if (!open.value) return
    try {
      display(await baselinesApi.newVersion(open.value.id))
      await list.load()
    } catch (err) {
      notifyError(err)
    }
  }

  // the equivalence table's versions
  const tables = shallowRef<EquivalenceVersion[]>([])
  const table = shallowRef<EquivalenceVersion | null>(null)
  /** The open table's rules as the editor changes them (a copy: the stored version stays as served). */
  const tableRules = ref<EquivalenceRuleRow[]>([])
  const tableForm = useFormErrors()
  async function loadTables(): Promise<void> {
    try {
      tables.value = (await equivalenceApi.list()).data
      const current = tables.value.find((v) => v.id === table.value?.id) ?? tables.value.find((v) => v.status === 'published') ?? tables.value[0]
      if (current) pickTable(current)
    } catch (err) {
      notifyError(err)
    }
  }
  function pickTable(v: EquivalenceVersion): void {
    table.value = v
    tableRules.value = (copyOf(v.document).rules as EquivalenceRuleRow[] | undefined) ?? []
    tableForm.clear()
  }
  async function draftTable(): Promise<void> {
    if (!table.value) return
    try {
      const doc = { ...table.value.document, version: `${String(table.value.document.version ?? '')}-draft` }
      pickTable(await equivalenceApi.create(doc))
      await loadTables()
    } catch (err) {
      tableForm.capture(err)
    }
  }
  async function saveTable(): Promise<void> {
    if (!table.value) return
    if (duplicateCodes(tableRules.value).size) {
      ElMessage.error(t('forms.eq.fixDuplicates'))
      return
    }
    try {
      const document = { ...copyOf(table.value.document), rules: tableRules.value.map(cleanedRule) }
      pickTable(await equivalenceApi.update(table.value.id, document))
      ElMessage.success(t('common.saved'))
      await loadTables()
    } catch (err) {
      tableForm.capture(err)
    }
  }
  async function publishTable(): Promise<void> {
    if (!table.value || !(await confirmAction(t('baselines.publishTableConfirm'), t('standards.publish')))) return
    try {
      pickTable(await equivalenceApi.publish(table.value.id, table.value.row_version))
      await loadTables()
    } catch (err) {
      tableForm.capture(err)
    }
  }

  return {
    ...list, open, document, errors: form.errors, show, save, publish, newVersion,
    tables, table, tableRules, tableErrors: tableForm.errors, loadTables, pickTable, draftTable, saveTable, publishTable,
  }
}
