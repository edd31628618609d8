/**
 * A fetch for the generated client: adds the bearer token and, on a 401, refreshes the token pair
 * once (the refresh token rotates: the old one is spent) and replays the request.
 * Concurrent 401s share one refresh; if refreshing fails the session is over.
 */

export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
  token_type?: string
}

export interface SessionHooks {
  accessToken(): string | null
  refreshToken(): string | null
  /** Store a rotated pair. */
  rotated(pair: TokenPair): void
  /** Refreshing failed: forget the session (and go to the login page). */
  expired(): void
}

export const REFRESH_PATH = '/api/v1/auth/refresh'
const NO_REFRESH = ['/api/v1/auth/login', REFRESH_PATH]

export function createAuthFetch(hooks: SessionHooks, baseFetch: typeof fetch = (...a) => fetch(...a)) {
  let refreshing: Promise<boolean> | null = null

  async function refresh(origin: string): Promise<boolean> {
    const token = hooks.refreshToken()
    if (!token) return false
    try {
      const res = await baseFetch(new URL(REFRESH_PATH, origin).toString(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      })
      if (!res.ok) return false
      hooks.rotated((await res.json()) as TokenPair)
      return true
    } catch {
      return false
    }
  }

  function withToken(request: Request): Request {
    const token = hooks.accessToken()
    if (!token) return request
    const headers = new Headers(request.headers)
    headers.set('Authorization', `Bearer ${token}`)
    return new Request(request, { headers })
  }

  return async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    const spare = request.clone() // a replay needs an unread body
    const sentWith = hooks.accessToken()
    const response = await baseFetch(withToken(request))
    const path = new URL(request.url).pathname
    if (response.status !== 401 || NO_REFRESH.includes(path) || !hooks.refreshToken()) {
      return response
    }
    // Another request may have rotated the pair while this one was in flight.
    if (hooks.accessToken() === sentWith) {
      refreshing ??= refresh(request.url).finally(() => {
        refreshing = null
      })
      if (!(await refreshing)) {
        hooks.expired()
        return response
      }
    }
    return baseFetch(withToken(spare))
  }
}
