import { computed, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { applicationsApi, sessionsApi } from '@/api/reviews'
import { accountsApi } from '@/api/accounts'
import { standardsApi } from '@/api/standards'
import type {
  Application, Conflict, Decision, DrawVerification, Notice, Objection, Panel, PanelDraw, ReviewSession, Scores, SessionStatus, TransitionTarget, User,
} from '@/api/types'
import { errorReasons, errorText, notifyError } from '@/composables/useApiError'
import { askReason, confirmAction } from '@/composables/useReason'
import { i18n } from '@/i18n'
import { askOverride } from './askOverride'
import { stepGate, type NextStep, type StepGate } from './stepGate'

export function useSessionDetail(id: number) {
  const t = i18n.global.t
  const session = shallowRef<ReviewSession | null>(null)
  const panel = shallowRef<Panel | null>(null)
  const conflicts = shallowRef<Conflict[]>([])
  const applications = shallowRef<Application[]>([])
  const notice = shallowRef<Notice | null>(null)
  const objections = shallowRef<Objection[]>([])
  const loading = ref(false)
  const moving = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      session.value = await sessionsApi.get(id)
      const [p, c, a, o] = await Promise.all([
        sessionsApi.panel(id),
        sessionsApi.conflicts(id),
        sessionsApi.applications(id),
        sessionsApi.objections(id),
      ])
      panel.value = p
      conflicts.value = c.data
      applications.value = a.data
      objections.value = o.data
      await loadDraw()
      notice.value = null
      await loadSteps()
      if (['public_notice', 'finalized', 'filed'].includes(session.value.status)) {
        notice.value = await sessionsApi.notice(id).catch(() => null)
      }
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  // -- transitions: the API says which states may come next and what blocks each of them.
  const steps = shallowRef<NextStep[]>([])
  async function loadSteps(): Promise<void> {
    // Without the server's view the buttons stay on and the transition itself decides.
    steps.value = await sessionsApi.nextSteps(id).then((r) => r.steps).catch(() => [])
  }
  function gate(target: SessionStatus): StepGate {
    return stepGate(steps.value.find((s) => s.target === target))
  }
  /** The server's last refusal of a step: its message and every reason it gave (details). */
  const refusal = ref<{ target: SessionStatus; message: string; reasons: string[] } | null>(null)
  async function advance(target: SessionStatus): Promise<void> {
    if (!session.value) return
    refusal.value = null
    const g = gate(target)
    if (g.disabled) return
    const to = t(`sessionStatus.${target}`)
    let overrideReason: string | undefined
    if (g.kind === 'override') {
      const reason = await askOverride(to, g.soft)
      if (!reason) return
      overrideReason = reason
    } else if (!(await confirmAction(t('sessions.moveConfirm', { to }), t('sessions.move')))) return
    moving.value = true
    try {
      session.value =
        target === 'filed'
          ? (await sessionsApi.file(id, session.value.version)).session
          : await sessionsApi.transition(id, target as TransitionTarget, session.value.version, overrideReason)
      ElMessage.success(t('sessions.moved', { to }))
      await load()
    } catch (err) {
      refusal.value = { target, message: errorText(err), reasons: errorReasons(err) }
      notifyError(err)
      await loadSteps() // what blocks the step now, as the server sees it
    } finally {
      moving.value = false
    }
  }

  // -- panel composition
  const candidates = shallowRef<(User & { source: 'internal' | 'external' })[]>([])
  // Panels are drawn at random; a member picked by hand needs a reason, kept on the panel.
  const pick = ref<{ user_id: number | null; role: 'chair' | 'member'; reason: string }>({ user_id: null, role: 'member', reason: '' })
  async function loadCandidates(): Promise<void> {
    try {
      const [internal, pool] = await Promise.all([accountsApi.list({ role: 'expert', limit: 500 }), accountsApi.expertPool({ limit: 500 })])
      const seen = new Set<number>()
      const out: (User & { source: 'internal' | 'external' })[] = []
      for (const u of internal.data) { seen.add(u.id); out.push({ ...u, source: u.expert?.external ? 'external' : 'internal' }) }
      for (const u of pool.data) if (!seen.has(u.id)) out.push({ ...u, source: 'external' })
      candidates.value = out
    } catch (err) {
      notifyError(err)
    }
  }
  async function addMember(): Promise<void> {
    if (!pick.value.user_id || pick.value.reason.trim().length < 2) return
    try {
      await sessionsApi.addMember(id, pick.value.user_id, pick.value.role, pick.value.reason.trim())
      pick.value = { user_id: null, role: 'member', reason: '' }
      panel.value = await sessionsApi.panel(id)
    } catch (err) {
      notifyError(err)
    }
  }
  async function removeMember(memberId: number): Promise<void> {
    try {
      await sessionsApi.removeMember(id, memberId)
      panel.value = await sessionsApi.panel(id)
    } catch (err) {
      notifyError(err)
    }
  }

  // -- random draw (随机抽取): the seed's hash is published before the draw, so nobody can
  // re-draw until the panel suits them; the regulator re-runs it from the recorded inputs.
  const draw = shallowRef<PanelDraw | null>(null)
  const drawForm = ref<{ size: number | undefined; reserves: number; specialty: string; recent_sessions: number }>({
    size: undefined, reserves: 2, specialty: '', recent_sessions: 3,
  })
  const drawing = ref(false)
  const verification = shallowRef<DrawVerification | null>(null)
  async function loadDraw(): Promise<void> {
    // The size defaults to the minimum of the standard's panel rules.
    if (drawForm.value.size === undefined && session.value) {
      const standard = await standardsApi.get(session.value.standard_version_id).catch(() => null)
      const rules = standard?.document.panel as { min_size?: number } | undefined
      if (rules?.min_size) drawForm.value.size = rules.min_size
    }
    // Only a drawn panel is sure to have a draw on record (a committed seed is asked again:
    // committing is idempotent and shows the same hash).
    if (!panel.value?.members.some((m) => m.selection !== 'hand_picked')) return
    try {
      draw.value = await sessionsApi.getDraw(id)
    } catch (err) {
      notifyError(err)
    }
  }
  async function commitDraw(): Promise<void> {
    drawing.value = true
    try {
      draw.value = await sessionsApi.commitDraw(id)
      ElMessage.success(t('draw.committed'))
    } catch (err) {
      notifyError(err)
    } finally {
      drawing.value = false
    }
  }
  async function runDraw(): Promise<void> {
    if (!(await confirmAction(t('draw.confirmDraw'), t('draw.run')))) return
    drawing.value = true
    const f = drawForm.value
    try {
      draw.value = await sessionsApi.draw(id, {
        size: f.size ?? null, reserves: f.reserves, specialty: f.specialty.trim() || null, recent_sessions: f.recent_sessions,
      })
      ElMessage.success(t('draw.drawn', { n: draw.value.members.length }))
      panel.value = await sessionsApi.panel(id)
      conflicts.value = (await sessionsApi.conflicts(id)).data
    } catch (err) {
      notifyError(err)
    } finally {
      drawing.value = false
    }
  }
  async function verifyDraw(): Promise<void> {
    try {
      verification.value = await sessionsApi.verifyDraw(id)
    } catch (err) {
      notifyError(err)
    }
  }
  const onPanel = computed(() => new Set(panel.value?.members.map((m) => m.user_id) ?? []))
  const memberName = (memberId: number) => panel.value?.members.find((m) => m.id === memberId)?.display_name ?? `#${memberId}`
  const applicantName = (applicationId: number) => applications.value.find((a) => a.id === applicationId)?.name ?? `#${applicationId}`

  // -- conflicts and objections: a person decides, with a reason
  async function resolveConflict(conflict: Conflict, status: 'confirmed' | 'dismissed'): Promise<void> {
    const reason = await askReason(t(`conflicts.${status}`))
    if (!reason) return
    try {
      await sessionsApi.resolveConflict(conflict.id, status, reason)
      conflicts.value = (await sessionsApi.conflicts(id)).data
    } catch (err) {
      notifyError(err)
    }
  }
  async function reloadConflicts(): Promise<void> {
    try {
      conflicts.value = (await sessionsApi.conflicts(id)).data
    } catch (err) {
      notifyError(err)
    }
  }
  async function detectConflicts(): Promise<void> {
    try {
      const found = await sessionsApi.detectConflicts(id)
      ElMessage.success(t('conflicts.detected', { n: found.count }))
      conflicts.value = (await sessionsApi.conflicts(id)).data
    } catch (err) {
      notifyError(err)
    }
  }
  async function resolveObjection(objection: Objection, status: 'upheld' | 'dismissed'): Promise<void> {
    const reason = await askReason(t(`objections.${status}`))
    if (!reason) return
    try {
      await sessionsApi.resolveObjection(objection.id, status, reason)
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  // -- one application in a drawer: eligibility, scoring progress, votes, decision
  const current = shallowRef<Application | null>(null)
  const scores = shallowRef<Scores | null>(null)
  const decision = shallowRef<Decision | null>(null)
  async function openApplication(a: Application): Promise<void> {
    current.value = a
    scores.value = null
    decision.value = null
    const [s, d] = await Promise.allSettled([applicationsApi.scores(a.id), applicationsApi.decision(a.id)])
    if (s.status === 'fulfilled') scores.value = s.value
    if (d.status === 'fulfilled') decision.value = d.value
  }

  return {
    refusal, steps, gate,
    session, panel, conflicts, applications, notice, objections, loading, moving, load, advance, detectConflicts, reloadConflicts,
    draw, drawForm, drawing, verification, loadDraw, commitDraw, runDraw, verifyDraw,
    candidates, pick, loadCandidates, addMember, removeMember, onPanel, memberName, applicantName,
    resolveConflict, resolveObjection, current, scores, decision, openApplication,
  }
}
