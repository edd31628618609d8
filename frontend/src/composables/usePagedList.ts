/** A server-paginated list with filters: rows, total, loading, and the error of the last load. */
import { reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import type { Page } from '@/api/types'
import { notifyError } from './useApiError'

/** Filters as sent: empty strings are left out. */
export type Sent<F> = { [K in keyof F]?: Exclude<F[K], ''> }

export function usePagedList<T, F extends object>(
  fetchPage: (query: Sent<F> & { offset: number; limit: number }) => Promise<Page<T>>,
  initialFilters: F,
  pageSize = 20,
) {
  const filters = reactive({ ...initialFilters }) as UnwrapRef<F>
  const rows = shallowRef<T[]>([])
  const total = ref(0)
  const page = ref(1)
  const size = ref(pageSize)
  const loading = ref(false)
  const failed = ref(false)

  function cleaned(): Sent<F> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(filters as object)) {
      if (v !== '' && v !== null && v !== undefined) out[k] = v
    }
    return out as Sent<F>
  }

  async function load(): Promise<void> {
    loading.value = true
    failed.value = false
    try {
      const result = await fetchPage({ ...cleaned(), offset: (page.value - 1) * size.value, limit: size.value })
      rows.value = result.data
      total.value = result.count
    } catch (err) {
      failed.value = true
      notifyError(err)
    } finally {
      loading.value = false
    }
  }

  function search(): Promise<void> {
    page.value = 1
    return load()
  }

  /** Open the page holding the newest row: lists run oldest first, so it is the last page. */
  async function showNewest(): Promise<void> {
    page.value = 1
    await load()
    const last = Math.max(1, Math.ceil(total.value / size.value))
    if (last !== page.value) {
      page.value = last
      await load()
    }
  }

  function reset(): Promise<void> {
    Object.assign(filters as object, initialFilters)
    return search()
  }

  /** The filters as the list sends them, for an export that must match what is shown. */
  return { filters, rows, total, page, size, loading, failed, load, search, showNewest, reset, sent: cleaned }
}
