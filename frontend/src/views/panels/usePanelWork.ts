import { computed, reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { applicationsApi, sessionsApi } from '@/api/reviews'
import { standardsApi } from '@/api/standards'
import type { Application, Conflict, ConflictKind, PanelMember, ReviewSession, Scores, StandardVersion, VoteChoice } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { confirmAction } from '@/composables/useReason'
import { i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'
import { useRouter } from 'vue-router'
import { ElMessageBox } from 'element-plus'

export interface CriterionDoc { code: string; name: string; name_en: string; maximum: number; weight: number; guide?: string; guide_en?: string }

export function usePanelWork(id: number) {
  const t = i18n.global.t
  const session = shallowRef<ReviewSession | null>(null)
  const standard = shallowRef<StandardVersion | null>(null)
  const applications = shallowRef<Application[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      session.value = await sessionsApi.get(id)
      const [s, a] = await Promise.all([standardsApi.get(session.value.standard_version_id), sessionsApi.applications(id, 'eligible')])
      standard.value = s
      applications.value = a.data
      const me = useAuthStore().user?.id
      seat.value = (await sessionsApi.panel(id)).members.find((m) => m.user_id === me) ?? null
      await loadConflicts()
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }
  // -- a drawn expert confirms or declines the seat (a decline calls in the next reserve)
  const seat = shallowRef<PanelMember | null>(null)
  const router = useRouter()
  const answering = ref(false)
  async function answerSeat(accept: boolean): Promise<void> {
    let reason: string | undefined
    if (!accept) {
      try {
        const { value } = await ElMessageBox.prompt(t('seat.declineReason'), t('seat.declineTitle'), {
          confirmButtonText: t('seat.decline'), cancelButtonText: t('common.cancel'), inputType: 'textarea',
          inputValidator: (v: string) => !v || v.length <= 500,
        })
        reason = value?.trim() || undefined
      } catch {
        return
      }
    }
    answering.value = true
    try {
      await sessionsApi.answerSeat(id, accept, reason)
      ElMessage.success(accept ? t('seat.accepted') : t('seat.declined'))
      if (accept) {
        await load()
      } else {
        // Declined: the seat is gone, and with it this panel's page.
        seat.value = null
        await router.push('/panels')
      }
    } catch (err) {
      notifyError(err)
    } finally {
      answering.value = false
    }
  }
  const criteria = computed(() => (standard.value?.document.criteria as CriterionDoc[] | undefined) ?? [])

  // -- the expert's own score sheet for one application
  const current = shallowRef<Application | null>(null)
  const scores = shallowRef<Scores | null>(null)
  const values = reactive<Record<string, number | undefined>>({})
  const comments = reactive<Record<string, string>>({})
  const sheetForm = useFormErrors('values.')
  async function open(a: Application): Promise<void> {
    current.value = a
    for (const k of Object.keys(values)) delete values[k]
    for (const k of Object.keys(comments)) delete comments[k]
    sheetForm.clear()
    try {
      scores.value = await applicationsApi.scores(a.id)
      Object.assign(values, scores.value.mine?.values ?? {})
      Object.assign(comments, scores.value.mine?.comments ?? {})
    } catch (err) {
      scores.value = null
      notifyError(err)
    }
  }
  const submitted = computed(() => scores.value?.mine?.submitted ?? false)
  function filled(): Record<string, number> {
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null)) as Record<string, number>
  }
  async function save(): Promise<void> {
    if (!current.value) return
    try {
      scores.value = await applicationsApi.saveScores(current.value.id, filled(), { ...comments })
      ElMessage.success(t('common.saved'))
    } catch (err) {
      sheetForm.capture(err)
    }
  }
  async function submit(): Promise<void> {
    if (!current.value || !(await confirmAction(t('scores.submitConfirm'), t('scores.submit')))) return
    try {
      await applicationsApi.saveScores(current.value.id, filled(), { ...comments })
      scores.value = await applicationsApi.submitScores(current.value.id)
      ElMessage.success(t('scores.submittedOk'))
    } catch (err) {
      sheetForm.capture(err)
    }
  }

  // -- a secret ballot
  const voted = reactive<Record<number, string>>({})
  async function vote(a: Application, choice: VoteChoice): Promise<void> {
    if (!(await confirmAction(t('votes.confirm', { choice: t(`votes.${choice}`), name: a.name }), t('votes.title')))) return
    try {
      const receipt = await applicationsApi.vote(a.id, choice)
      voted[a.id] = receipt.cast_at
      ElMessage.success(t('votes.cast'))
    } catch (err) {
      notifyError(err)
    }
  }

  // -- declaring a conflict of interest; what was declared shows on the row (pending, withdrawn…)
  const myConflicts = shallowRef<Conflict[]>([])
  async function loadConflicts(): Promise<void> {
    myConflicts.value = (await sessionsApi.conflicts(id).catch(() => ({ data: [] as Conflict[] }))).data
  }
  /** The latest conflict recorded for my seat on an application, if any. */
  const conflictOn = computed(() => {
    const out: Record<number, Conflict> = {}
    for (const c of myConflicts.value) if (!seat.value || c.panel_member_id === seat.value.id) out[c.application_id] = c
    return out
  })
  const conflictDialog = ref(false)
  const conflict = reactive({ application_id: 0, kind: 'relative' as ConflictKind, reason: '' })
  const conflictForm = useFormErrors()
  function declare(a: Application): void {
    Object.assign(conflict, { application_id: a.id, kind: 'relative', reason: '' })
    conflictForm.clear()
    conflictDialog.value = true
  }
  async function submitConflict(): Promise<void> {
    try {
      await sessionsApi.declareConflict(id, { ...conflict })
      conflictDialog.value = false
      ElMessage.success(t('conflicts.declared'))
      await loadConflicts()
    } catch (err) {
      conflictForm.capture(err)
    }
  }

  return {
    session, standard, applications, loading, load, criteria, seat, answering, answerSeat,
    current, scores, values, comments, sheetErrors: sheetForm.errors, open, submitted, save, submit,
    voted, vote, conflictOn, conflictDialog, conflict, conflictErrors: conflictForm.errors, declare, submitConflict,
  }
}
