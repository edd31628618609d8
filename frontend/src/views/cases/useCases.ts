import { ref, shallowRef } from 'vue'
import { useRoute } from 'vue-router'
import { ElMessage } from 'element-plus'
import { casesApi } from '@/api/supervision'
import { accountsApi } from '@/api/accounts'
import type { Case, User } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError } from '@/composables/useApiError'
import { askReason } from '@/composables/useReason'
import { i18n } from '@/i18n'

export function useCases() {
  const t = i18n.global.t
  const route = useRoute()
  const list = usePagedList((q) => casesApi.list(q), {
    // The overview links here by step (?status=open).
    status: (['open', 'assigned', 'confirmed', 'dismissed'].includes(String(route.query.status)) ? route.query.status : '') as '' | 'open' | 'assigned' | 'confirmed' | 'dismissed',
    enterprise_id: undefined as number | null | undefined,
  })
  const current = shallowRef<Case | null>(null)
  const regulators = shallowRef<User[]>([])
  const note = ref('')
  const assignee = ref<number | null>(null)
  const flagId = ref<number | null>(null)

  async function open(id: number): Promise<void> {
    try {
      current.value = await casesApi.get(id)
      assignee.value = current.value.assignee_id
      if (!regulators.value.length) regulators.value = (await accountsApi.list({ role: 'regulator', limit: 100 })).data
    } catch (err) {
      notifyError(err)
    }
  }
  async function init(): Promise<void> {
    await list.load()
    if (route.query.open) await open(Number(route.query.open))
  }
  async function after(updated: Case): Promise<void> {
    current.value = updated
    ElMessage.success(t('common.done'))
    await list.load()
  }
  async function assign(): Promise<void> {
    if (!current.value || !assignee.value) return
    try {
      await after(await casesApi.assign(current.value.id, assignee.value, current.value.version))
    } catch (err) {
      notifyError(err)
    }
  }
  async function addNote(): Promise<void> {
    if (!current.value || !note.value.trim()) return
    try {
      await casesApi.note(current.value.id, note.value.trim())
      note.value = ''
      await open(current.value.id)
    } catch (err) {
      notifyError(err)
    }
  }
  async function decide(outcome: 'confirm' | 'dismiss'): Promise<void> {
    if (!current.value) return
    const reason = await askReason(t(`cases.${outcome}`))
    if (!reason) return
    try {
      await after(await casesApi.decide(outcome, current.value.id, reason, current.value.version))
    } catch (err) {
      notifyError(err)
    }
  }
  const nameOf = (id: number | null) => regulators.value.find((u) => u.id === id)?.display_name ?? (id ? `#${id}` : '—')

  return { ...list, current, regulators, note, assignee, flagId, init, open, assign, addNote, decide, nameOf }
}
