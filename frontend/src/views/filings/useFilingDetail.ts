import { computed, ref, shallowRef } from 'vue'
import { filingsApi } from '@/api/filings'
import { sessionsApi } from '@/api/reviews'
import { ApiError } from '@/api/errors'
import type { DrawVerification, FilingDocument } from '@/api/types'
import { notifyError } from '@/composables/useApiError'

type Row = Record<string, unknown>

export function useFilingDetail(filingId: string) {
  const filing = shallowRef<FilingDocument | null>(null)
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      filing.value = await filingsApi.get(filingId)
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  const doc = computed(() => (filing.value?.document ?? {}) as Row)
  const panel = computed(() => (doc.value.panel as Row[] | undefined) ?? [])
  const applications = computed(() => (doc.value.applications as Row[] | undefined) ?? [])

  // -- re-run the session's recorded panel draw (the filed session carries this filing's id)
  const verification = shallowRef<DrawVerification | null>(null)
  const notDrawn = ref(false)
  const verifying = ref(false)
  async function verifyDraw(): Promise<void> {
    verifying.value = true
    notDrawn.value = false
    try {
      let session: { id: number } | undefined
      for (let offset = 0; !session; offset += 500) {
        const page = await sessionsApi.list({ status: 'filed', offset, limit: 500 })
        session = page.data.find((s) => s.filing_id === filingId)
        if (offset + 500 >= page.count) break
      }
      if (!session) {
        notDrawn.value = true
        return
      }
      verification.value = await sessionsApi.verifyDraw(session.id)
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) notDrawn.value = true
      else notifyError(err)
    } finally {
      verifying.value = false
    }
  }

  return { filing, loading, load, doc, panel, applications, verification, notDrawn, verifying, verifyDraw }
}
