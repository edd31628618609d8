import { computed, ref, shallowRef } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessage } from 'element-plus'
import { expertsApi } from '@/api/experts'
import type { ExpertHistory, Relation, RelationCreate } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { askReason } from '@/composables/useReason'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'

interface RelationDraft {
  kind: RelationCreate['kind']
  resident_id: string
  name: string
  note: string
}

/** One expert's record: seats, draws and declines, relations (with the form to record one)
 * and, for the regulator, the audit's member-level findings. */
export function useExpertHistory() {
  const t = i18n.global.t
  const route = useRoute()
  const auth = useAuthStore()
  const id = computed(() => Number(route.params.id))
  const history = shallowRef<ExpertHistory | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      history.value = await expertsApi.history(id.value)
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  // Relations are recorded by HR (for an applicant), the regulator, or the expert themselves.
  const mayRelate = computed(() => auth.role !== 'applicant' && (auth.role !== 'expert' || auth.user?.id === id.value))
  const dialog = ref(false)
  const draft = ref<RelationDraft>({ kind: 'relative', resident_id: '', name: '', note: '' })
  const form = useFormErrors()
  function openForm(): void {
    draft.value = { kind: 'relative', resident_id: '', name: '', note: '' }
    form.clear()
    dialog.value = true
  }
  async function save(): Promise<void> {
    const d = draft.value
    try {
      await expertsApi.relate({
        expert_user_id: auth.role === 'expert' ? null : id.value,
        resident_id: d.resident_id.trim() || null,
        name: d.name.trim() || null,
        kind: d.kind,
        note: d.note.trim() || null,
      })
      ElMessage.success(t('common.saved'))
      dialog.value = false
      await load()
    } catch (err) {
      form.capture(err)
    }
  }
  async function retract(row: Relation): Promise<void> {
    const reason = await askReason(t('expertHistory.retract'))
    if (!reason) return
    try {
      await expertsApi.retract(row.id, reason)
      ElMessage.success(t('common.done'))
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  return { id, history, loading, load, mayRelate, dialog, draft, errors: form.errors, openForm, save, retract }
}
