import { ref, shallowRef } from 'vue'
import { useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { standardsApi } from '@/api/standards'
import type { BaselineCheck, StandardVersion } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { confirmAction } from '@/composables/useReason'
import { i18n } from '@/i18n'

export function useStandardDetail(id: number) {
  const t = i18n.global.t
  const router = useRouter()
  const version = shallowRef<StandardVersion | null>(null)
  const document = ref<Record<string, unknown>>({})
  const check = shallowRef<BaselineCheck | null>(null)
  const loading = ref(false)
  const saving = ref(false)
  const form = useFormErrors()

  async function load(): Promise<void> {
    loading.value = true
    try {
      version.value = await standardsApi.get(id)
      document.value = structuredClone(version.value.document)
      await runCheck()
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  async function runCheck(): Promise<void> {
    try {
      check.value = await standardsApi.baselineCheck(id)
    } catch (err) {
      check.value = null
      notifyError(err)
    }
  }

  async function save(): Promise<void> {
    saving.value = true
    form.clear()
    try {
      version.value = await standardsApi.update(id, document.value)
      ElMessage.success(t('common.saved'))
      await runCheck()
    } catch (err) {
      form.capture(err)
    } finally {
      saving.value = false
    }
  }

  async function publish(): Promise<void> {
    if (!version.value || !(await confirmAction(t('standards.publishConfirm'), t('standards.publish')))) return
    try {
      version.value = await standardsApi.publish(id, version.value.row_version)
      ElMessage.success(t('common.done'))
    } catch (err) {
      form.capture(err)
    }
  }

  async function newVersion(): Promise<void> {
    try {
      const next = await standardsApi.newVersion(id)
      await router.push(`/standards/${next.id}`)
    } catch (err) {
      notifyError(err)
    }
  }

  async function retire(): Promise<void> {
    if (!version.value || !(await confirmAction(t('standards.retireConfirm'), t('standards.retire')))) return
    try {
      version.value = await standardsApi.retire(id, version.value.row_version)
    } catch (err) {
      notifyError(err)
    }
  }

  return { version, document, check, loading, saving, errors: form.errors, load, runCheck, save, publish, newVersion, retire }
}
