import { reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { applicationsApi, sessionsApi } from '@/api/reviews'
import type { Application, Decision, Notice, ReviewSession } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { useFactsForm } from '@/composables/useFactsForm'
import { askReason } from '@/composables/useReason'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'

export function useMyApplications() {
  const t = i18n.global.t
  const auth = useAuthStore()
  const sessions = shallowRef<ReviewSession[]>([])
  const mine = shallowRef<(Application & { session: ReviewSession })[]>([])
  const notices = shallowRef<{ session: ReviewSession; notice: Notice }[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      sessions.value = (await sessionsApi.list({ limit: 200 })).data
      const perSession = await Promise.all(
        sessions.value.map(async (s) => (await sessionsApi.applications(s.id)).data.map((a) => ({ ...a, session: s }))),
      )
      mine.value = perSession.flat().filter((a) => a.applicant_user_id === auth.user?.id)
      const noticed = sessions.value.filter((s) => s.status === 'public_notice')
      notices.value = (await Promise.all(noticed.map(async (s) => ({ session: s, notice: await sessionsApi.notice(s.id) })))).filter((n) => !n.notice.over)
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }
  const openSessions = () => sessions.value.filter((s) => s.status === 'open')

  // -- applying to an open session
  const applyTo = shallowRef<ReviewSession | null>(null)
  const { facts, toFacts } = useFactsForm()
  const draft = reactive({ name: '', resident_id: '', exceptional: false, exceptional_justification: '', evidence: [] as { title: string; description: string }[] })
  const form = useFormErrors()
  function startApply(s: ReviewSession): void {
    applyTo.value = s
    draft.name = auth.user?.display_name ?? ''
    form.clear()
  }
  async function apply(): Promise<void> {
    const s = applyTo.value
    if (!s) return
    try {
      const created = await sessionsApi.apply(s.id, {
        name: draft.name, resident_id: draft.resident_id, track: s.track, series: s.series, level: s.level,
        facts: toFacts(), evidence: draft.evidence.filter((e) => e.title),
        exceptional: draft.exceptional, exceptional_justification: draft.exceptional ? draft.exceptional_justification : null,
      })
      applyTo.value = null
      ElMessage[created.eligibility.eligible ? 'success' : 'warning'](t('applications.submitted'))
      await load()
      current.value = { ...created, session: s }
    } catch (err) {
      form.capture(err)
    }
  }

  // -- following one application
  const current = shallowRef<(Application & { session: ReviewSession }) | null>(null)
  const decision = shallowRef<Decision | null>(null)
  async function follow(a: Application & { session: ReviewSession }): Promise<void> {
    current.value = a
    decision.value = await applicationsApi.decision(a.id).catch(() => null)
  }
  async function withdraw(a: Application): Promise<void> {
    try {
      await applicationsApi.withdraw(a.id)
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  async function object(s: ReviewSession, applicationId: number): Promise<void> {
    const reason = await askReason(t('objections.raise'), 5)
    if (!reason) return
    try {
      await sessionsApi.raiseObjection(s.id, applicationId, reason)
      ElMessage.success(t('objections.raised'))
    } catch (err) {
      notifyError(err)
    }
  }

  return { sessions, mine, notices, loading, load, openSessions, applyTo, facts, draft, errors: form.errors, startApply, apply, current, decision, follow, withdraw, object }
}
