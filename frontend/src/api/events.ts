import { api, call } from './client'
import type { Query } from './types'

export const eventsApi = {
  list: (query: Query<'/api/v1/events'> = {}) => call(api.GET('/api/v1/events', { params: { query } })),
  verify: () => call(api.GET('/api/v1/events/verify')),
}
