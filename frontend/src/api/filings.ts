import { api, call } from './client'
import type { Query } from './types'

export const filingsApi = {
  list: (query: Query<'/api/v1/filings'> = {}) => call(api.GET('/api/v1/filings', { params: { query } })),
  get: (filing_id: string) =>
    call(api.GET('/api/v1/filings/{filing_id}', { params: { path: { filing_id } } })),
}
