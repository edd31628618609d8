import { computed, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { expertsApi } from '@/api/experts'
import type { AvailabilityWindow, ExpertEntry, ExpertStatus } from '@/api/types'
import { useFormErrors } from '@/composables/useApiError'
import { usePagedList } from '@/composables/usePagedList'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/i18n'

interface ProfileDraft {
  specialty: string
  series: string
  cluster: string
  term: [string, string] | null
  contact: string
  availability: AvailabilityWindow[]
}

/** The pool view: filters, paging, and the keeper's two forms (status; term, specialty,
 * availability). What may be seen and edited is the API's decision (`editable`). */
export function useExpertPool() {
  const t = i18n.global.t
  const auth = useAuthStore()
  const isRegulator = computed(() => auth.role === 'regulator')
  const list = usePagedList((q) => expertsApi.list(q), {
    kind: '' as '' | 'city' | 'internal',
    cluster: '',
    series: '',
    specialty: '',
    status: '' as '' | ExpertStatus,
    term_ends_by: '',
    q: '',
  })

  // -- status: active, suspended or removed, always with a reason
  const statusDialog = ref(false)
  const statusFor = ref<ExpertEntry | null>(null)
  const statusDraft = ref<{ status: ExpertStatus; reason: string }>({ status: 'active', reason: '' })
  const statusForm = useFormErrors()
  function openStatus(row: ExpertEntry): void {
    statusFor.value = row
    statusDraft.value = { status: row.expert.status ?? 'active', reason: '' }
    statusForm.clear()
    statusDialog.value = true
  }
  async function saveStatus(): Promise<void> {
    if (!statusFor.value) return
    try {
      await expertsApi.setStatus(statusFor.value.user_id, statusDraft.value.status, statusDraft.value.reason.trim())
      ElMessage.success(t('common.saved'))
      statusDialog.value = false
      await list.load()
    } catch (err) {
      statusForm.capture(err)
    }
  }

  // -- profile: term (at most three years), specialty, series, cluster, availability, contact
  const profileDialog = ref(false)
  const profileFor = ref<ExpertEntry | null>(null)
  const profileDraft = ref<ProfileDraft>({ specialty: '', series: '', cluster: '', term: null, contact: '', availability: [] })
  const profileForm = useFormErrors('expert.')
  function openProfile(row: ExpertEntry): void {
    const e = row.expert
    profileFor.value = row
    profileDraft.value = {
      specialty: e.specialty,
      series: e.series ?? '',
      cluster: e.cluster ?? '',
      term: e.term_start && e.term_end ? [e.term_start, e.term_end] : null,
      contact: e.contact ?? '',
      availability: (e.availability ?? []).map((w) => ({ ...w })),
    }
    profileForm.clear()
    profileDialog.value = true
  }
  function addWindow(): void {
    profileDraft.value.availability.push({ starts_on: '', ends_on: '', note: '' })
  }
  function removeWindow(i: number): void {
    profileDraft.value.availability.splice(i, 1)
  }
  async function saveProfile(): Promise<void> {
    if (!profileFor.value) return
    const d = profileDraft.value
    try {
      await expertsApi.change(profileFor.value.user_id, {
        specialty: d.specialty.trim() || null,
        series: d.series || null,
        cluster: d.cluster || null,
        term_start: d.term?.[0] ?? null,
        term_end: d.term?.[1] ?? null,
        contact: d.contact.trim() || null,
        availability: d.availability
          .filter((w) => w.starts_on && w.ends_on)
          .map((w) => ({ starts_on: w.starts_on, ends_on: w.ends_on, note: w.note || null })),
      })
      ElMessage.success(t('common.saved'))
      profileDialog.value = false
      await list.load()
    } catch (err) {
      profileForm.capture(err)
    }
  }

  return {
    ...list,
    isRegulator,
    statusDialog, statusFor, statusDraft, statusErrors: statusForm.errors, openStatus, saveStatus,
    profileDialog, profileFor, profileDraft, profileErrors: profileForm.errors, openProfile, saveProfile, addWindow, removeWindow,
  }
}
