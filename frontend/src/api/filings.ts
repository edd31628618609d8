import { api, call } from './client'
import type { components } from './schema'
import type { Query } from './types'

export type Credential = components['schemas']['CredentialPublic']
export type CredentialIssued = components['schemas']['CredentialIssued']
export type RegistryImport = components['schemas']['RegistryImportPublic']
export type RegistryKind = 'employment' | 'education'

export const filingsApi = {
  list: (query: Query<'/api/v1/filings'> = {}) => call(api.GET('/api/v1/filings', { params: { query } })),
  get: (filing_id: string) =>
    call(api.GET('/api/v1/filings/{filing_id}', { params: { path: { filing_id } } })),
}

/** Filing keys of industry committees and third-party review bodies (regulator only). */
export const filingKeysApi = {
  list: (enterprise_id: number) =>
    call(api.GET('/api/v1/review-bodies/{enterprise_id}/credentials', { params: { path: { enterprise_id } } })),
  issue: (enterprise_id: number, label: string) =>
    call(api.POST('/api/v1/review-bodies/{enterprise_id}/credentials', { params: { path: { enterprise_id } }, body: { label } })),
  revoke: (credential_id: number, reason: string) =>
    call(api.POST('/api/v1/credentials/{credential_id}/revoke', { params: { path: { credential_id } }, body: { reason } })),
}

/** Registry extracts (social insurance, education) the audit cross-checks against. */
export const registriesApi = {
  list: () => call(api.GET('/api/v1/registries')),
  template: (kind: RegistryKind) =>
    call(api.GET('/api/v1/registries/{kind}/template.xlsx', { params: { path: { kind } }, parseAs: 'blob' })) as Promise<Blob>,
  import: (kind: RegistryKind, file: File, as_of: string) => {
    const form = new FormData()
    form.append('file', file, file.name)
    form.append('as_of', as_of)
    return call(
      api.POST('/api/v1/registries/{kind}', {
        params: { path: { kind } },
        body: form as unknown as { file: string; as_of: string },
        bodySerializer: (b: unknown) => b as BodyInit,
      }),
    )
  },
}
