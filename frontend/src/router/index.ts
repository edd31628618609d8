import { createRouter, createWebHistory, type Router } from 'vue-router'
import { routes, homeOf } from './routes'
import { useAuthStore, whenSessionExpires } from '@/stores/auth'
import { i18n } from '@/i18n'

export function setupRouter(): Router {
  const router = createRouter({ history: createWebHistory(), routes })

  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (to.meta.public) return true
    if (!auth.signedIn) return { name: 'login', query: { redirect: to.fullPath } }
    if (!auth.user) {
      try {
        await auth.loadMe()
      } catch {
        auth.forget()
        return { name: 'login', query: { redirect: to.fullPath } }
      }
    }
    if (to.path === '/') return homeOf(auth.role)
    const roles = to.meta.roles
    if (roles && !auth.hasRole(...roles)) return { name: 'forbidden' }
    return true
  })

  router.afterEach((to) => {
    const title = to.meta.title ? i18n.global.t(to.meta.title) : ''
    document.title = [title, i18n.global.t('app.short')].filter(Boolean).join(' · ')
  })

  whenSessionExpires(() => {
    const current = router.currentRoute.value
    if (!current.meta.public) void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
  })

  return router
}
