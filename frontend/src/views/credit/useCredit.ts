import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { creditApi } from '@/api/credit'
import type { CreditRecord, CreditRecordCreate } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { askReason } from '@/composables/useReason'
import { usePagedList } from '@/composables/usePagedList'
import { i18n } from '@/i18n'

type Subject = CreditRecordCreate['subject']
type Measure = CreditRecordCreate['measure']

interface Draft {
  subject: Subject
  measure: Measure
  resident_id: string
  user_id: number | undefined
  name: string
  reason: string
  starts_on: string
  ends_on: string
}

const blank = (): Draft => ({
  subject: 'applicant', measure: 'bar_applications', resident_id: '', user_id: undefined, name: '', reason: '', starts_on: '', ends_on: '',
})

export function useCredit() {
  const t = i18n.global.t
  const list = usePagedList((q) => creditApi.list(q), { subject: '' as Subject | '', active: false, q: '' })

  // -- recording a finding: an applicant by resident ID, an expert by their account (or ID)
  const dialog = ref(false)
  const draft = ref<Draft>(blank())
  const form = useFormErrors()
  const saving = ref(false)
  function openForm(): void {
    draft.value = blank()
    form.clear()
    dialog.value = true
  }
  function onSubject(subject: Subject): void {
    draft.value.measure = subject === 'expert' ? 'remove_from_pool' : 'bar_applications'
  }
  async function save(): Promise<void> {
    const d = draft.value
    saving.value = true
    try {
      await creditApi.record({
        subject: d.subject,
        measure: d.measure,
        resident_id: d.resident_id.trim() || null,
        user_id: d.user_id ?? null,
        name: d.name.trim() || null,
        reason: d.reason.trim(),
        starts_on: d.starts_on || null,
        ends_on: d.ends_on || null,
      })
      ElMessage.success(t('credit.recorded'))
      dialog.value = false
      await list.search()
    } catch (err) {
      form.capture(err)
    } finally {
      saving.value = false
    }
  }

  async function lift(row: CreditRecord): Promise<void> {
    const reason = await askReason(t('credit.liftTitle'), 4)
    if (!reason) return
    try {
      await creditApi.lift(row.id, reason)
      ElMessage.success(t('credit.lifted'))
      await list.load()
    } catch (err) {
      notifyError(err)
    }
  }

  return { ...list, dialog, draft, errors: form.errors, saving, openForm, onSubject, save, lift }
}
