import { api, call } from './client'
import type { components } from './schema'

type S = components['schemas']
export type Certificate = S['CertificatePublic']
export type Verification = S['VerificationPublic']

export const certificatesApi = {
  list: (query: { session_id?: number; status?: 'valid' | 'revoked'; offset?: number; limit?: number } = {}) =>
    call(api.GET('/api/v1/certificates', { params: { query } })),
  pdf: (certificate_id: number) =>
    call(api.GET('/api/v1/certificates/{certificate_id}/pdf', { params: { path: { certificate_id } }, parseAs: 'blob' })) as Promise<Blob>,
  revoke: (certificate_id: number, reason: string, case_id?: number | null) =>
    call(
      api.POST('/api/v1/certificates/{certificate_id}/revocation', {
        params: { path: { certificate_id } },
        body: { reason, case_id: case_id || null },
      }),
    ),
  verify: (number: string, name: string) =>
    call(api.GET('/api/v1/public/certificates/verify', { params: { query: { number, name } } })),
}

export const documentsApi = {
  noticePdf: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/notice.pdf', { params: { path: { session_id } }, parseAs: 'blob' })) as Promise<Blob>,
  resultSheetPdf: (session_id: number) =>
    call(api.GET('/api/v1/review-sessions/{session_id}/result-sheet.pdf', { params: { path: { session_id } }, parseAs: 'blob' })) as Promise<Blob>,
}

/** Open a fetched PDF in a new tab (the request needed the bearer token, so no plain link). */
export function openBlob(blob: Blob, type = 'application/pdf'): void {
  const url = URL.createObjectURL(new Blob([blob], { type }))
  window.open(url, '_blank')
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
