import { reactive, ref, shallowRef } from 'vue'
import type { FormInstance, FormRules } from 'element-plus'
import { ElMessage } from 'element-plus'
import { registriesApi, type RegistryImport, type RegistryKind } from '@/api/filings'
import { saveBlob } from '@/api/spreadsheets'
import { notifyError } from '@/composables/useApiError'
import { useSpreadsheetImport } from '@/composables/useSpreadsheetImport'
import { i18n } from '@/i18n'

function today(): string {
  return new Date().toISOString().slice(0, 10)
}

export function useRegistries() {
  const t = i18n.global.t
  const imports = shallowRef<RegistryImport[]>([])
  const loading = ref(false)
  const formRef = ref<FormInstance>()
  const form = reactive({ kind: 'employment' as RegistryKind, as_of: today(), file: null as File | null })
  const rules: FormRules = {
    as_of: [{ required: true, message: () => t('forms.registries.asOfRequired'), trigger: 'change' }],
    file: [{ validator: (_r, _v, done) => (form.file ? done() : done(new Error(t('forms.registries.fileRequired')))), trigger: 'change' }],
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      imports.value = (await registriesApi.list()).data
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  async function template(): Promise<void> {
    try {
      saveBlob(await registriesApi.template(form.kind), t(`forms.registries.templateName.${form.kind}`))
    } catch (err) {
      notifyError(err)
    }
  }

  const sheet = useSpreadsheetImport(
    (file) => registriesApi.import(form.kind, file, form.as_of),
    async (receipt) => {
      ElMessage.success(t('forms.registries.imported', { n: receipt.row_count }))
      form.file = null
      await load()
    },
  )

  function choose(file: File): void {
    form.file = file
    void formRef.value?.validateField('file')
  }

  async function submit(): Promise<void> {
    if (!(await formRef.value?.validate().catch(() => false))) return
    if (form.file) await sheet.upload(form.file)
  }

  return { imports, loading, formRef, form, rules, load, template, choose, submit, ...sheet }
}
