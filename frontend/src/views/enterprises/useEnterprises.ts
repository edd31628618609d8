import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { enterprisesApi } from '@/api/enterprises'
import type { EnterpriseCreate } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { useFormErrors } from '@/composables/useApiError'
import { i18n } from '@/i18n'

export function useEnterprises() {
  const list = usePagedList((q) => enterprisesApi.list(q), { q: '', cluster: '' })

  const dialog = ref(false)
  const saving = ref(false)
  const blank = (): EnterpriseCreate => ({ name: '', credit_code: '', industry_cluster: 'shipbuilding_offshore', review_body_kind: 'enterprise' })
  const draft = reactive<EnterpriseCreate>(blank())
  const form = useFormErrors()

  function openCreate(): void {
    Object.assign(draft, blank())
    form.clear()
    dialog.value = true
  }

  async function create(): Promise<void> {
    saving.value = true
    try {
      await enterprisesApi.create({ ...draft })
      dialog.value = false
      ElMessage.success(i18n.global.t('common.done'))
      await list.search()
    } catch (err) {
      form.capture(err)
    } finally {
      saving.value = false
    }
  }

  return { ...list, dialog, saving, draft, errors: form.errors, openCreate, create }
}
