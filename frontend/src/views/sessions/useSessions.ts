import { reactive, ref, shallowRef } from 'vue'
import { useRouter } from 'vue-router'
import { sessionsApi } from '@/api/reviews'
import { standardsApi } from '@/api/standards'
import type { ReviewSessionCreate, SessionStatus, StandardVersion } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError, useFormErrors } from '@/composables/useApiError'

export function useSessions() {
  const router = useRouter()
  const list = usePagedList((q) => sessionsApi.list(q), { status: undefined as SessionStatus | undefined })

  const dialog = ref(false)
  const standards = shallowRef<StandardVersion[]>([])
  const draft = reactive<ReviewSessionCreate>({ name: '', standard_version_id: 0, period: String(new Date().getFullYear()), held_on: null })
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
    try {
      const created = await sessionsApi.create({ ...draft, held_on: draft.held_on || null })
      dialog.value = false
      await router.push(`/sessions/${created.id}`)
    } catch (err) {
      form.capture(err)
    }
  }

  return { ...list, dialog, standards, draft, errors: form.errors, openCreate, create }
}
