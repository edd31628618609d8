import { api, call } from './client'
import type { TokenPair, User } from './types'

export const authApi = {
  login: (username: string, password: string): Promise<TokenPair> =>
    call(
      api.POST('/api/v1/auth/login', {
        body: { username, password, grant_type: 'password', scope: '' },
        bodySerializer: (b) => new URLSearchParams(b as Record<string, string>),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    ),
  logout: (refreshToken: string) =>
    call(api.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } })),
  me: (): Promise<User> => call(api.GET('/api/v1/me')),
  changePassword: (current_password: string, new_password: string) =>
    call(api.POST('/api/v1/me/password', { body: { current_password, new_password } })),
}
