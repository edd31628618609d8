/**
 * Enterprise names for screens that receive ids and credit codes (flags, cases, filings, the
 * event log): one list request per page load, shared by every screen.
 */
import { shallowRef } from 'vue'
import { enterprisesApi } from '@/api/enterprises'

interface Known { id: number; name: string; credit_code: string }

const byId = shallowRef(new Map<number, Known>())
const byCode = shallowRef(new Map<string, Known>())
let loading: Promise<void> | null = null

/** Remember enterprises (from any list that returned them). */
export function rememberEnterprises(rows: Known[]): void {
  const ids = new Map(byId.value)
  const codes = new Map(byCode.value)
  for (const e of rows) {
    ids.set(e.id, e)
    codes.set(e.credit_code, e)
  }
  byId.value = ids
  byCode.value = codes
}

export function useEnterpriseNames() {
  function ensure(): Promise<void> {
    loading ??= enterprisesApi
      .list({ limit: 500 })
      .then((page) => rememberEnterprises(page.data))
      .catch(() => {
        loading = null // a regulator-only list; other roles see codes
      })
    return loading
  }
  /** The enterprise's name, else its credit code, else its id. */
  function nameOf(id: number | null | undefined, creditCode?: string | null): string {
    const hit = (id != null ? byId.value.get(id) : undefined) ?? (creditCode ? byCode.value.get(creditCode) : undefined)
    return hit?.name ?? creditCode ?? (id != null ? `#${id}` : '—')
  }
  const codeOf = (id: number | null | undefined) => (id != null ? byId.value.get(id)?.credit_code : undefined)
  return { ensure, nameOf, codeOf }
}
