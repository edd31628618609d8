import { api, call } from './client'
import type { ApplicantFacts, EquivalenceLookupIn, Query } from './types'

type Doc = Record<string, unknown>

export const standardsApi = {
  list: (query: Query<'/api/v1/standards'> = {}) =>
    call(api.GET('/api/v1/standards', { params: { query } })),
  get: (version_id: number) =>
    call(api.GET('/api/v1/standards/{version_id}', { params: { path: { version_id } } })),
  create: (document: Doc) => call(api.POST('/api/v1/standards', { body: { document } })),
  update: (version_id: number, document: Doc) =>
    call(api.PUT('/api/v1/standards/{version_id}', { params: { path: { version_id } }, body: { document } })),
  newVersion: (version_id: number) =>
    call(api.POST('/api/v1/standards/{version_id}/new-version', { params: { path: { version_id } } })),
  publish: (version_id: number, expected_version?: number) =>
    call(
      api.POST('/api/v1/standards/{version_id}/publish', {
        params: { path: { version_id }, query: { expected_version } },
      }),
    ),
  retire: (version_id: number, expected_version?: number) =>
    call(
      api.POST('/api/v1/standards/{version_id}/retire', {
        params: { path: { version_id }, query: { expected_version } },
      }),
    ),
  baselineCheck: (version_id: number) =>
    call(api.GET('/api/v1/standards/{version_id}/baseline-check', { params: { path: { version_id } } })),
  selfCheck: (version_id: number, facts: ApplicantFacts) =>
    call(
      api.POST('/api/v1/standards/{version_id}/self-check', {
        params: { path: { version_id } },
        body: { facts },
      }),
    ),
}

export const baselinesApi = {
  list: (query: Query<'/api/v1/baselines'> = {}) =>
    call(api.GET('/api/v1/baselines', { params: { query } })),
  get: (version_id: number) =>
    call(api.GET('/api/v1/baselines/{version_id}', { params: { path: { version_id } } })),
  create: (document: Doc) => call(api.POST('/api/v1/baselines', { body: { document } })),
  update: (version_id: number, document: Doc) =>
    call(api.PUT('/api/v1/baselines/{version_id}', { params: { path: { version_id } }, body: { document } })),
  newVersion: (version_id: number) =>
    call(api.POST('/api/v1/baselines/{version_id}/new-version', { params: { path: { version_id } } })),
  publish: (version_id: number, expected_version?: number) =>
    call(
      api.POST('/api/v1/baselines/{version_id}/publish', {
        params: { path: { version_id }, query: { expected_version } },
      }),
    ),
}

export const equivalenceApi = {
  list: () => call(api.GET('/api/v1/equivalence')),
  create: (document: Doc) => call(api.POST('/api/v1/equivalence', { body: { document } })),
  update: (equivalence_id: number, document: Doc) =>
    call(
      api.PUT('/api/v1/equivalence/{equivalence_id}', {
        params: { path: { equivalence_id } },
        body: { document },
      }),
    ),
  publish: (equivalence_id: number, expected_version?: number) =>
    call(
      api.POST('/api/v1/equivalence/{equivalence_id}/publish', {
        params: { path: { equivalence_id }, query: { expected_version } },
      }),
    ),
  lookup: (body: EquivalenceLookupIn) => call(api.POST('/api/v1/public/equivalence', { body })),
}
