import { ref, shallowRef } from 'vue'
import { useRouter } from 'vue-router'
import { baselinesApi, standardsApi } from '@/api/standards'
import type { StandardVersion } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'
import { notifyError } from '@/composables/useApiError'

export function useStandards() {
  const router = useRouter()
  const list = usePagedList((q) => standardsApi.list(q), { status: '' as '' | 'draft' | 'published' | 'retired', track: '' as '' | 'title' | 'skill' })

  // A new draft starts as a copy of the regulator's baseline for the same track, series and level.
  const dialog = ref(false)
  const baselines = shallowRef<StandardVersion[]>([])
  const chosen = ref<number | null>(null)
  const creating = ref(false)

  async function openCreate(): Promise<void> {
    dialog.value = true
    try {
      baselines.value = (await baselinesApi.list({ status: 'published', limit: 200 })).data
    } catch (err) {
      notifyError(err)
    }
  }

  async function createFromBaseline(): Promise<void> {
    const base = baselines.value.find((b) => b.id === chosen.value)
    if (!base) return
    creating.value = true
    try {
      const document: Record<string, unknown> = { ...base.document, name: `${base.name}（企业标准草稿）`, name_en: `${String(base.document.name_en ?? base.name)} (enterprise draft)` }
      if (document.series === '*') document.series = 'welder'
      const created = await standardsApi.create(document)
      dialog.value = false
      await router.push(`/standards/${created.id}`)
    } catch (err) {
      notifyError(err)
    } finally {
      creating.value = false
    }
  }

  return { ...list, dialog, baselines, chosen, creating, openCreate, createFromBaseline }
}
