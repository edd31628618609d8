import { api, call } from './client'
import type { CreditRecordCreate, Query } from './types'

/** Credit records (失信记录): the regulator records and lifts; anyone reads their own. */
export const creditApi = {
  list: (query: Query<'/api/v1/credit-records'> = {}) =>
    call(api.GET('/api/v1/credit-records', { params: { query } })),
  record: (body: CreditRecordCreate) => call(api.POST('/api/v1/credit-records', { body })),
  lift: (record_id: number, reason: string) =>
    call(api.POST('/api/v1/credit-records/{record_id}/lift', { params: { path: { record_id } }, body: { reason } })),
  mine: () => call(api.GET('/api/v1/me/credit-records')),
  /** The applicants and members a case's flag points at, to prefill a finding. */
  casePeople: (case_id: number) =>
    call(api.GET('/api/v1/cases/{case_id}/people', { params: { path: { case_id } } })),
}
