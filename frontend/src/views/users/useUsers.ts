import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { accountsApi } from '@/api/accounts'
import { saveBlob, spreadsheetsApi } from '@/api/spreadsheets'
import { useSpreadsheetImport } from '@/composables/useSpreadsheetImport'
import { useAuthStore } from '@/stores/auth'
import type { Role, UserCreate } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { i18n } from '@/i18n'

export function useUsers() {
  const list = usePagedList((q) => accountsApi.list(q), { role: undefined as Role | undefined })
  const dialog = ref(false)
  const justCreated = ref<number | null>(null)
  const blank = () => ({
    username: '', display_name: '', role: 'applicant' as 'expert' | 'applicant', password: '', department: '', resident_id: '',
    expert: { track: 'title', level: 'deputy_senior', specialty: '', home_organisation: '' },
  })
  const draft = reactive(blank())
  const form = useFormErrors()

  function openCreate(): void {
    Object.assign(draft, blank())
    form.clear()
    dialog.value = true
  }
  async function create(): Promise<void> {
    const body: UserCreate = {
      username: draft.username, display_name: draft.display_name, role: draft.role, password: draft.password,
      department: draft.department || null, resident_id: draft.resident_id || null,
      expert: draft.role === 'expert' ? { ...draft.expert } : null,
    }
    try {
      const created = await accountsApi.create(body)
      dialog.value = false
      ElMessage.success(i18n.global.t('common.done'))
      // Show the new account: a filter on another role would hide it, and it is the newest row.
      if (list.filters.role && list.filters.role !== created.role) list.filters.role = undefined
      justCreated.value = created.id
      await list.showNewest()
    } catch (err) {
      form.capture(err)
    }
  }
  async function toggle(id: number, active: boolean): Promise<void> {
    try {
      await accountsApi.setActive(id, active)
      await list.load()
    } catch (err) {
      notifyError(err)
    }
  }
  // HR imports its own internal experts; the regulator, the city's pool.
  const pool = useAuthStore().role === 'regulator'
  const experts = useSpreadsheetImport(spreadsheetsApi.importExperts, async (receipt) => {
    ElMessage.success(i18n.global.t('expertImport.imported', receipt))
    await list.search()
  })
  async function expertTemplate(): Promise<void> {
    try {
      saveBlob(await spreadsheetsApi.expertTemplate(), i18n.global.t(pool ? 'expertImport.poolTemplateName' : 'expertImport.templateName'))
    } catch (err) {
      notifyError(err)
    }
  }
  return { ...list, justCreated, dialog, draft, errors: form.errors, openCreate, create, toggle, pool, experts, expertTemplate }
}
