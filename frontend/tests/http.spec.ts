import { describe, expect, it, vi } from 'vitest'
import { createAuthFetch, type SessionHooks, type TokenPair } from '@/api/http'

function session(access: string | null, refresh: string | null) {
  const state = { access, refresh, expired: 0 }
  const hooks: SessionHooks = {
    accessToken: () => state.access,
    refreshToken: () => state.refresh,
    rotated: (p: TokenPair) => {
      state.access = p.access_token
      state.refresh = p.refresh_token
    },
    expired: () => {
      state.expired += 1
      state.access = null
      state.refresh = null
    },
  }
  return { state, hooks }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** A fake server: access token "good-N" is valid; refresh token "r-N" rotates to N+1 once. */
function server() {
  let generation = 1
  const spent = new Set<string>()
  const calls: string[] = []
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init)
    const path = new URL(req.url).pathname
    calls.push(path)
    if (path === '/api/v1/auth/refresh') {
      const { refresh_token } = (await req.json()) as { refresh_token: string }
      if (refresh_token !== `r-${generation}` || spent.has(refresh_token)) return json(401, { error: { code: 'unauthenticated' } })
      spent.add(refresh_token)
      generation += 1
      return json(200, { access_token: `good-${generation}`, refresh_token: `r-${generation}`, expires_in: 900 })
    }
    const auth = req.headers.get('Authorization')
    if (auth !== `Bearer good-${generation}`) return json(401, { error: { code: 'unauthenticated' } })
    return json(200, { path, body: req.method === 'POST' ? await req.text() : null })
  })
  return { fetchImpl, calls }
}

describe('authFetch', () => {
  it('sends the bearer token', async () => {
    const { fetchImpl } = server()
    const { hooks } = session('good-1', 'r-1')
    const res = await createAuthFetch(hooks, fetchImpl)('http://x/api/v1/me')
    expect(res.status).toBe(200)
  })

  it('refreshes once on 401, stores the rotated pair and replays the request with its body', async () => {
    const { fetchImpl, calls } = server()
    const { state, hooks } = session('stale', 'r-1')
    const f = createAuthFetch(hooks, fetchImpl)
    const res = await f('http://x/api/v1/flags/1/case', { method: 'POST', body: '{"note":"n"}' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { body: string }).body).toBe('{"note":"n"}')
    expect(state).toMatchObject({ access: 'good-2', refresh: 'r-2', expired: 0 })
    expect(calls).toEqual(['/api/v1/flags/1/case', '/api/v1/auth/refresh', '/api/v1/flags/1/case'])
  })

  it('shares one refresh among concurrent 401s (a rotated token is spent once)', async () => {
    const { fetchImpl, calls } = server()
    const { state, hooks } = session('stale', 'r-1')
    const f = createAuthFetch(hooks, fetchImpl)
    const results = await Promise.all([f('http://x/api/v1/a'), f('http://x/api/v1/b'), f('http://x/api/v1/c')])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200])
    expect(calls.filter((c) => c === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(state.refresh).toBe('r-2')
  })

  it('ends the session when the refresh is refused', async () => {
    const { fetchImpl } = server()
    const { state, hooks } = session('stale', 'r-spent')
    const res = await createAuthFetch(hooks, fetchImpl)('http://x/api/v1/me')
    expect(res.status).toBe(401)
    expect(state.expired).toBe(1)
    expect(state.access).toBeNull()
  })

  it('never refreshes for the login call itself', async () => {
    const { fetchImpl, calls } = server()
    const { hooks } = session(null, 'r-1')
    const res = await createAuthFetch(hooks, fetchImpl)('http://x/api/v1/auth/login', { method: 'POST', body: 'a=b' })
    expect(res.status).toBe(401)
    expect(calls).toEqual(['/api/v1/auth/login'])
  })
})
