import { api, call } from './client'
import type { Query, UserCreate } from './types'

export const accountsApi = {
  list: (query: Query<'/api/v1/users'> = {}) => call(api.GET('/api/v1/users', { params: { query } })),
  create: (body: UserCreate) => call(api.POST('/api/v1/users', { body })),
  setActive: (user_id: number, is_active: boolean) =>
    call(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id } }, body: { is_active } })),
  expertPool: (query: Query<'/api/v1/experts/pool'> = {}) =>
    call(api.GET('/api/v1/experts/pool', { params: { query } })),
}
