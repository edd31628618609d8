import { api, call } from './client'
import type { ExpertProfileChange, ExpertStatus, Query, RelationCreate } from './types'

/** The expert pool (专家库): the regulator keeps the city's pool, enterprises their own
 * experts; each expert's history; relations that oblige an expert to withdraw (回避). */
export const expertsApi = {
  list: (query: Query<'/api/v1/experts'> = {}) => call(api.GET('/api/v1/experts', { params: { query } })),
  get: (user_id: number) => call(api.GET('/api/v1/experts/{user_id}', { params: { path: { user_id } } })),
  change: (user_id: number, body: ExpertProfileChange) =>
    call(api.PATCH('/api/v1/experts/{user_id}', { params: { path: { user_id } }, body })),
  setStatus: (user_id: number, status: ExpertStatus, reason: string) =>
    call(api.POST('/api/v1/users/{user_id}/expert-status', { params: { path: { user_id } }, body: { status, reason } })),
  history: (user_id: number) =>
    call(api.GET('/api/v1/experts/{user_id}/history', { params: { path: { user_id } } })),
  relations: (query: Query<'/api/v1/relations'> = {}) => call(api.GET('/api/v1/relations', { params: { query } })),
  relate: (body: RelationCreate) => call(api.POST('/api/v1/relations', { body })),
  retract: (relation_id: number, reason: string) =>
    call(api.POST('/api/v1/relations/{relation_id}/retract', { params: { path: { relation_id } }, body: { reason } })),
}
