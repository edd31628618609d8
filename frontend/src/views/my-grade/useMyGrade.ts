import { ref, shallowRef } from 'vue'
import { measuresApi } from '@/api/supervision'
import type { MyGrade } from '@/api/types'
import { notifyError } from '@/composables/useApiError'

export function useMyGrade() {
  const mine = shallowRef<MyGrade | null>(null)
  const loading = ref(false)
  async function load(): Promise<void> {
    loading.value = true
    try {
      mine.value = await measuresApi.myGrade()
    } catch (err) {
      notifyError(err)
    } finally {
      loading.value = false
    }
  }
  return { mine, loading, load }
}
