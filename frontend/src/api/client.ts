/** The one API client, generated from the service's OpenAPI schema (`npm run gen:api`). */
import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { createAuthFetch, type SessionHooks } from './http'
import { toApiError } from './errors'

let hooks: SessionHooks = {
  accessToken: () => null,
  refreshToken: () => null,
  rotated: () => undefined,
  expired: () => undefined,
}

/** The auth store registers how tokens are read, rotated and forgotten. */
export function setSessionHooks(next: SessionHooks): void {
  hooks = next
}

const delegatingHooks: SessionHooks = {
  accessToken: () => hooks.accessToken(),
  refreshToken: () => hooks.refreshToken(),
  rotated: (pair) => hooks.rotated(pair),
  expired: () => hooks.expired(),
}

// Same origin as the app: the service serves both the SPA and /api/v1 (vite proxies in dev).
const origin = typeof window !== 'undefined' ? window.location.origin : 'http://localhost'

export const api = createClient<paths>({
  baseUrl: origin,
  fetch: createAuthFetch(delegatingHooks),
})

interface Outcome<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Await a client call; return its data or throw an ApiError in the service's format. */
export async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>
  try {
    outcome = await pending
  } catch {
    throw toApiError(0, null)
  }
  if (outcome.error !== undefined || !outcome.response.ok) {
    throw toApiError(outcome.response.status, outcome.error)
  }
  return outcome.data as T
}
