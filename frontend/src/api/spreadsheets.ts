import { api, call } from './client'
import type { components } from './schema'
import type { Query } from './types'

export type RosterEntry = components['schemas']['RosterEntryPublic']
export type ImportReceipt = components['schemas']['ImportReceipt']
export type ExpertImportReceipt = components['schemas']['ExpertImportReceipt']

/** The request options of a raw file upload (the body is the file itself). */
const fileBody = (file: File) => ({
  params: { query: { file_name: file.name } },
  body: file as unknown as string,
  bodySerializer: (b: unknown) => b as BodyInit,
  headers: { 'Content-Type': file.type || 'application/octet-stream' },
})

const sid = (session_id: number) => ({ params: { path: { session_id } }, parseAs: 'blob' as const })

export const spreadsheetsApi = {
  rosterTemplate: () => call(api.GET('/api/v1/rosters/applicants/template.xlsx', { parseAs: 'blob' })) as Promise<Blob>,
  importRoster: (file: File) => call(api.POST('/api/v1/rosters/applicants/import', fileBody(file))),
  /** HR's template and import create its internal experts; the regulator's, the city pool's. */
  expertTemplate: () => call(api.GET('/api/v1/experts/import/template.xlsx', { parseAs: 'blob' })) as Promise<Blob>,
  importExperts: (file: File) => call(api.POST('/api/v1/experts/import', fileBody(file))),
  roster: (offset = 0, limit = 100) => call(api.GET('/api/v1/rosters/applicants', { params: { query: { offset, limit } } })),
  scoreSummary: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}/score-summary.xlsx', sid(session_id))) as Promise<Blob>,
  noticeList: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}/notice-list.xlsx', sid(session_id))) as Promise<Blob>,
  applications: (session_id: number) => call(api.GET('/api/v1/review-sessions/{session_id}/applications.xlsx', sid(session_id))) as Promise<Blob>,
  /** The regulator's exports take the list pages' filters as they stand. */
  flags: (query: Query<'/api/v1/flags.xlsx'>) => call(api.GET('/api/v1/flags.xlsx', { params: { query }, parseAs: 'blob' })) as Promise<Blob>,
  grades: (run_id: number, grade?: string) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/grades.xlsx', { params: { path: { run_id }, query: { grade: grade || undefined } }, parseAs: 'blob' })) as Promise<Blob>,
  filings: (query: Query<'/api/v1/filings.xlsx'>) => call(api.GET('/api/v1/filings.xlsx', { params: { query }, parseAs: 'blob' })) as Promise<Blob>,
}

/** Save a fetched file under a name (the request needed the bearer token). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
