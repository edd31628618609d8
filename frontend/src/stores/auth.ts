/** Who is signed in: the token pair (kept across reloads), the user from /me, and the role. */
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { authApi } from '@/api/auth'
import { setSessionHooks } from '@/api/client'
import type { TokenPair } from '@/api/http'
import type { Role, User } from '@/api/types'

export const SESSION_KEY = 'nt-review.session'

interface StoredTokens {
  access: string
  refresh: string
}

function readTokens(): StoredTokens | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY)
    return raw ? (JSON.parse(raw) as StoredTokens) : null
  } catch {
    return null
  }
}

let onExpired: () => void = () => undefined

/** What to do when the session cannot be refreshed (the router sends the user to the login page). */
export function whenSessionExpires(handler: () => void): void {
  onExpired = handler
}

export const useAuthStore = defineStore('auth', () => {
  const tokens = ref<StoredTokens | null>(readTokens())
  const user = ref<User | null>(null)

  const signedIn = computed(() => tokens.value !== null)
  const role = computed<Role | null>(() => user.value?.role ?? null)

  function store(pair: TokenPair): void {
    tokens.value = { access: pair.access_token, refresh: pair.refresh_token }
    localStorage.setItem(SESSION_KEY, JSON.stringify(tokens.value))
  }

  function forget(): void {
    tokens.value = null
    user.value = null
    localStorage.removeItem(SESSION_KEY)
  }

  setSessionHooks({
    accessToken: () => tokens.value?.access ?? null,
    refreshToken: () => tokens.value?.refresh ?? null,
    rotated: store,
    expired: () => {
      forget()
      onExpired()
    },
  })

  async function login(username: string, password: string): Promise<User> {
    store(await authApi.login(username, password))
    try {
      return await loadMe()
    } catch (e) {
      forget()
      throw e
    }
  }

  async function loadMe(): Promise<User> {
    user.value = await authApi.me()
    return user.value
  }

  async function logout(): Promise<void> {
    const refresh = tokens.value?.refresh
    try {
      if (refresh) await authApi.logout(refresh)
    } catch {
      // The server may already consider the session over; forgetting it here is what matters.
    } finally {
      forget()
    }
  }

  function hasRole(...roles: Role[]): boolean {
    return role.value !== null && roles.includes(role.value)
  }

  return { tokens, user, signedIn, role, login, loadMe, logout, forget, hasRole, store }
})
