// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('@/api/auth', () => ({
  authApi: {
    login: vi.fn(async (username: string) => {
      if (username !== 'regulator') throw new Error('refused')
      return { access_token: 'a1', refresh_token: 'r1', expires_in: 900, token_type: 'bearer' }
    }),
    me: vi.fn(async () => ({ id: 1, username: 'regulator', display_name: '监管员', role: 'regulator' })),
    logout: vi.fn(async () => undefined),
  },
}))

import { useAuthStore, SESSION_KEY } from '@/stores/auth'
import { authApi } from '@/api/auth'

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('signs in, keeps the pair across reloads and knows the role', async () => {
    const auth = useAuthStore()
    await auth.login('regulator', 'pw')
    expect(auth.signedIn).toBe(true)
    expect(auth.role).toBe('regulator')
    expect(auth.hasRole('regulator', 'expert')).toBe(true)
    expect(auth.hasRole('applicant')).toBe(false)
    expect(JSON.parse(localStorage.getItem(SESSION_KEY)!)).toEqual({ access: 'a1', refresh: 'r1' })
    setActivePinia(createPinia())
    expect(useAuthStore().signedIn).toBe(true)
  })

  it('a refused login leaves no session', async () => {
    const auth = useAuthStore()
    await expect(auth.login('nobody', 'pw')).rejects.toThrow()
    expect(auth.signedIn).toBe(false)
    expect(localStorage.getItem(SESSION_KEY)).toBeNull()
  })

  it('logout revokes the refresh token and forgets everything', async () => {
    const auth = useAuthStore()
    await auth.login('regulator', 'pw')
    await auth.logout()
    expect(authApi.logout).toHaveBeenCalledWith('r1')
    expect(auth.signedIn).toBe(false)
    expect(auth.user).toBeNull()
    expect(localStorage.getItem(SESSION_KEY)).toBeNull()
  })
})
