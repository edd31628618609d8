import { api, call } from './client'
import type { AuthorizationCreate, EnterpriseCreate, Query } from './types'

export type AuthorizationAction = 'suspend' | 'reinstate' | 'revoke'

export const enterprisesApi = {
  list: (query: Query<'/api/v1/enterprises'> = {}) =>
    call(api.GET('/api/v1/enterprises', { params: { query } })),
  get: (enterprise_id: number) =>
    call(api.GET('/api/v1/enterprises/{enterprise_id}', { params: { path: { enterprise_id } } })),
  create: (body: EnterpriseCreate) => call(api.POST('/api/v1/enterprises', { body })),
  authorizations: (enterprise_id: number) =>
    call(
      api.GET('/api/v1/enterprises/{enterprise_id}/authorizations', {
        params: { path: { enterprise_id } },
      }),
    ),
  grant: (enterprise_id: number, body: AuthorizationCreate) =>
    call(
      api.POST('/api/v1/enterprises/{enterprise_id}/authorizations', {
        params: { path: { enterprise_id } },
        body,
      }),
    ),
  changeAuthorization: (
    action: AuthorizationAction,
    authorization_id: number,
    reason: string,
    version?: number,
  ) => {
    const opts = { params: { path: { authorization_id } }, body: { reason, version } }
    if (action === 'suspend') return call(api.POST('/api/v1/authorizations/{authorization_id}/suspend', opts))
    if (action === 'reinstate')
      return call(api.POST('/api/v1/authorizations/{authorization_id}/reinstate', opts))
    return call(api.POST('/api/v1/authorizations/{authorization_id}/revoke', opts))
  },
}
