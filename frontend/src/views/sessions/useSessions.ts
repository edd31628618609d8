import { reactive, ref, shallowRef } from 'vue'
import { useRouter } from 'vue-router'
import { sessionsApi } from '@/api/reviews'
import { standardsApi } from '@/api/standards'
import type { ReviewSessionCreate, SessionStatus, StandardVersion } from '@/api/types'
import { i18n } from '@/i18n'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError, useFormErrors } from '@/composables/useApiError'

export function useSessions() {
  const router = useRouter()
  const list = usePagedList((q) => sessionsApi.list(q), { status: undefined as SessionStatus | undefined })

  const dialog = ref(false)
  const standards = shallowRef<StandardVersion[]>([])
  // No standard until one is picked (0 would show as the picker's text).
  const draft = reactive<Omit<ReviewSessionCreate, 'standard_version_id'> & { standard_version_id: number | undefined }>({ name: '', standard_version_id: undefined, period: String(new Date().getFullYear()), held_on: null })
  const form = useFormErrors()

  async function openCreate(): Promise<void> {
    form.clear()
    dialog.value = true
    try {
      standards.value = (await standardsApi.list({ status: 'published', limit: 200 })).data
    } catch (err) {
      notifyError(err)
    }
  }
  async function create(): Promise<void> {
    form.clear()
    if (draft.standard_version_id === undefined) {
      form.errors.standard_version_id = i18n.global.t('forms.small.standardRequired')
      return
    }
    try {
      const created = await sessionsApi.create({ ...draft, standard_version_id: draft.standard_version_id, held_on: draft.held_on || null })
      dialog.value = false
      await router.push(`/sessions/${created.id}`)
    } catch (err) {
      form.capture(err)
    }
  }

  return { ...list, dialog, standards, draft, errors: form.errors, openCreate, create }
}
