import { computed, ref, shallowRef } from 'vue'
import { standardsApi } from '@/api/standards'
import type { StandardVersion, Verdict } from '@/api/types'
import { notifyError, useFormErrors } from '@/composables/useApiError'
import { useFactsForm } from '@/composables/useFactsForm'

export function useSelfCheck() {
  const standards = shallowRef<StandardVersion[]>([])
  const standardId = ref<number | null>(null)
  const verdict = shallowRef<Verdict | null>(null)
  const checking = ref(false)
  const { facts, toFacts } = useFactsForm()
  const form = useFormErrors('facts.')

  async function init(): Promise<void> {
    try {
      standards.value = (await standardsApi.list({ status: 'published', limit: 200 })).data
      standardId.value = standards.value[0]?.id ?? null
    } catch (err) {
      notifyError(err)
    }
  }
  const standard = computed(() => standards.value.find((s) => s.id === standardId.value) ?? null)

  async function check(): Promise<void> {
    if (!standardId.value) return
    checking.value = true
    form.clear()
    try {
      verdict.value = (await standardsApi.selfCheck(standardId.value, toFacts())).verdict
    } catch (err) {
      verdict.value = null
      form.capture(err)
    } finally {
      checking.value = false
    }
  }
  return { standards, standardId, standard, verdict, checking, facts, errors: form.errors, init, check }
}
