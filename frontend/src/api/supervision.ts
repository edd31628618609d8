import { api, call } from './client'
import type { AuditRunCreate, MeasureKind, Query } from './types'

export const auditApi = {
  runs: (query: Query<'/api/v1/audit-runs'> = {}) =>
    call(api.GET('/api/v1/audit-runs', { params: { query } })),
  run: (run_id: number) => call(api.GET('/api/v1/audit-runs/{run_id}', { params: { path: { run_id } } })),
  start: (body: AuditRunCreate) => call(api.POST('/api/v1/audit-runs', { body })),
  compare: (run_id: number) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/comparison', { params: { path: { run_id } } })),
  /** The pass-rate funnel of a peer group, its limits computed by the server. */
  funnel: (run_id: number, query: { cluster: string; track: string; level: string }) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/funnel', { params: { path: { run_id }, query } })),
  /** A body's final scores against the pass line, the bunching window and its peers. */
  scoreDistribution: (run_id: number, credit_code: string) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/score-distribution', { params: { path: { run_id }, query: { credit_code } } })),
  gradeMap: (run_id: number) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/grade-map', { params: { path: { run_id } } })),
  riskHistory: (enterprise_id: number) =>
    call(api.GET('/api/v1/enterprises/{enterprise_id}/risk-history', { params: { path: { enterprise_id } } })),
  overview: () => call(api.GET('/api/v1/supervision/overview')),
  grades: (run_id: number) =>
    call(api.GET('/api/v1/audit-runs/{run_id}/grades', { params: { path: { run_id } } })),
  flags: (query: Query<'/api/v1/flags'> = {}) => call(api.GET('/api/v1/flags', { params: { query } })),
  flag: (flag_id: number) => call(api.GET('/api/v1/flags/{flag_id}', { params: { path: { flag_id } } })),
  openCase: (flag_id: number, note?: string) =>
    call(api.POST('/api/v1/flags/{flag_id}/case', { params: { path: { flag_id } }, body: { note } })),
}

export const casesApi = {
  list: (query: Query<'/api/v1/cases'> = {}) => call(api.GET('/api/v1/cases', { params: { query } })),
  get: (case_id: number) => call(api.GET('/api/v1/cases/{case_id}', { params: { path: { case_id } } })),
  assign: (case_id: number, assignee_id: number, version?: number) =>
    call(
      api.POST('/api/v1/cases/{case_id}/assign', {
        params: { path: { case_id } },
        body: { assignee_id, version },
      }),
    ),
  note: (case_id: number, text: string) =>
    call(api.POST('/api/v1/cases/{case_id}/notes', { params: { path: { case_id } }, body: { text } })),
  decide: (outcome: 'confirm' | 'dismiss', case_id: number, reason: string, version?: number) => {
    const opts = { params: { path: { case_id } }, body: { reason, version } }
    return outcome === 'confirm'
      ? call(api.POST('/api/v1/cases/{case_id}/confirm', opts))
      : call(api.POST('/api/v1/cases/{case_id}/dismiss', opts))
  },
}

export const measuresApi = {
  list: (enterprise_id: number) =>
    call(api.GET('/api/v1/enterprises/{enterprise_id}/measures', { params: { path: { enterprise_id } } })),
  take: (enterprise_id: number, kind: MeasureKind, reason: string, case_id?: number) =>
    call(
      api.POST('/api/v1/enterprises/{enterprise_id}/measures', {
        params: { path: { enterprise_id } },
        body: { kind, reason, case_id },
      }),
    ),
  lift: (measure_id: number, reason: string, version?: number) =>
    call(
      api.POST('/api/v1/measures/{measure_id}/lift', {
        params: { path: { measure_id } },
        body: { reason, version },
      }),
    ),
  myGrade: () => call(api.GET('/api/v1/supervision/my-grade')),
}
