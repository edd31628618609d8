import { reactive, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { enterprisesApi, type AuthorizationAction } from '@/api/enterprises'
import { measuresApi } from '@/api/supervision'
import type { Authorization, AuthorizationCreate, Enterprise, Measure, MeasureKind } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { askReason } from '@/composables/useReason'
import { i18n } from '@/i18n'

export function useEnterpriseDetail(id: number) {
  const t = i18n.global.t
  const enterprise = shallowRef<Enterprise | null>(null)
  const authorizations = shallowRef<Authorization[]>([])
  const measures = shallowRef<Measure[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [e, a, m] = await Promise.all([
        enterprisesApi.get(id),
        enterprisesApi.authorizations(id),
        measuresApi.list(id),
      ])
      enterprise.value = e
      authorizations.value = a.data
      measures.value = m.data
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  // granting
  const grantDialog = ref(false)
  const grantForm = useFormErrors()
  const year = new Date().getFullYear()
  const grant = reactive<AuthorizationCreate>({
    track: 'title', series: 'engineering', levels: [], valid_from: `${year}-01-01`, valid_to: `${year + 2}-12-31`, reason: '',
  })
  async function submitGrant(): Promise<void> {
    try {
      await enterprisesApi.grant(id, { ...grant, reason: grant.reason || undefined })
      grantDialog.value = false
      ElMessage.success(t('common.done'))
      await load()
    } catch (err) {
      grantForm.capture(err)
    }
  }

  async function change(action: AuthorizationAction, row: Authorization): Promise<void> {
    const reason = await askReason(t(`enterprises.actions.${action}`))
    if (!reason) return
    try {
      await enterprisesApi.changeAuthorization(action, row.id, reason, row.version)
      ElMessage.success(t('common.done'))
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  // measures
  const measureDialog = ref(false)
  const measureForm = useFormErrors()
  const measure = reactive({ kind: 'reminder' as MeasureKind, reason: '', case_id: undefined as number | undefined })
  async function submitMeasure(): Promise<void> {
    try {
      await measuresApi.take(id, measure.kind, measure.reason, measure.case_id || undefined)
      measureDialog.value = false
      ElMessage.success(t('common.done'))
      await load()
    } catch (err) {
      measureForm.capture(err)
    }
  }
  async function lift(row: Measure): Promise<void> {
    const reason = await askReason(t('measures.lift'))
    if (!reason) return
    try {
      await measuresApi.lift(row.id, reason, row.version)
      await load()
    } catch (err) {
      notifyError(err)
    }
  }

  return {
    enterprise, authorizations, measures, loading, load,
    grantDialog, grant, grantErrors: grantForm.errors, submitGrant, change,
    measureDialog, measure, measureErrors: measureForm.errors, submitMeasure, lift,
  }
}
