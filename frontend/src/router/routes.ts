import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** Roles that may open the page; absent means any signed-in user. */
    roles?: Role[]
    /** Open without signing in. */
    public?: boolean
    /** i18n key of the page title (and its menu entry). */
    title?: string
    /** Shown in the side menu, with this Element Plus icon. */
    menu?: boolean
    icon?: string
  }
}

const R: Record<string, Role[]> = {
  regulator: ['regulator'],
  admin: ['enterprise_admin'],
  expert: ['expert'],
  applicant: ['applicant'],
  readers: ['regulator', 'enterprise_admin'],
  holders: ['regulator', 'enterprise_admin', 'applicant'],
  pool: ['regulator', 'enterprise_admin', 'expert'],
}

export const appRoutes: RouteRecordRaw[] = [
  // regulator
  { path: 'overview', name: 'overview', component: () => import('@/views/overview/index.vue'), meta: { roles: R.regulator, title: 'nav.overview', menu: true, icon: 'Odometer' } },
  { path: 'enterprises', name: 'enterprises', component: () => import('@/views/enterprises/index.vue'), meta: { roles: R.regulator, title: 'nav.enterprises', menu: true, icon: 'OfficeBuilding' } },
  { path: 'enterprises/:id', name: 'enterprise', component: () => import('@/views/enterprises/detail.vue'), meta: { roles: R.regulator, title: 'nav.enterprise' } },
  { path: 'baselines', name: 'baselines', component: () => import('@/views/baselines/index.vue'), meta: { roles: R.regulator, title: 'nav.baselines', menu: true, icon: 'Tickets' } },
  { path: 'filings', name: 'filings', component: () => import('@/views/filings/index.vue'), meta: { roles: R.regulator, title: 'nav.filings', menu: true, icon: 'FolderChecked' } },
  { path: 'registries', name: 'registries', component: () => import('@/views/registries/index.vue'), meta: { roles: R.regulator, title: 'forms.registries.title', menu: true, icon: 'DocumentAdd' } },
  { path: 'filings/:filingId', name: 'filing', component: () => import('@/views/filings/detail.vue'), meta: { roles: R.regulator, title: 'nav.filing' } },
  { path: 'audit-runs', name: 'audit-runs', component: () => import('@/views/audit/index.vue'), meta: { roles: R.regulator, title: 'nav.auditRuns', menu: true, icon: 'DataAnalysis' } },
  { path: 'audit-runs/:id', name: 'audit-run', component: () => import('@/views/audit/detail.vue'), meta: { roles: R.regulator, title: 'nav.auditRun' } },
  { path: 'flags', name: 'flags', component: () => import('@/views/flags/index.vue'), meta: { roles: R.regulator, title: 'nav.flags', menu: true, icon: 'Warning' } },
  { path: 'cases', name: 'cases', component: () => import('@/views/cases/index.vue'), meta: { roles: R.regulator, title: 'nav.cases', menu: true, icon: 'Briefcase' } },
  { path: 'credit-records', name: 'credit-records', component: () => import('@/views/credit/index.vue'), meta: { roles: R.regulator, title: 'nav.credit', menu: true, icon: 'CircleClose' } },
  { path: 'grades', name: 'grades', component: () => import('@/views/grades/index.vue'), meta: { roles: R.regulator, title: 'nav.grades', menu: true, icon: 'TrendCharts' } },
  // enterprise admin
  { path: 'standards', name: 'standards', component: () => import('@/views/standards/index.vue'), meta: { roles: R.admin, title: 'nav.standards', menu: true, icon: 'Document' } },
  { path: 'standards/:id', name: 'standard', component: () => import('@/views/standards/detail.vue'), meta: { roles: R.admin, title: 'nav.standard' } },
  { path: 'sessions', name: 'sessions', component: () => import('@/views/sessions/index.vue'), meta: { roles: R.admin, title: 'nav.sessions', menu: true, icon: 'Calendar' } },
  { path: 'sessions/:id', name: 'session', component: () => import('@/views/sessions/detail.vue'), meta: { roles: R.admin, title: 'nav.session' } },
  { path: 'roster', name: 'roster', component: () => import('@/views/roster/index.vue'), meta: { roles: R.admin, title: 'nav.roster', menu: true, icon: 'Upload' } },
  { path: 'users', name: 'users', component: () => import('@/views/users/index.vue'), meta: { roles: R.admin, title: 'nav.users', menu: true, icon: 'User' } },
  { path: 'experts', name: 'experts', component: () => import('@/views/experts/index.vue'), meta: { roles: R.readers, title: 'nav.experts', menu: true, icon: 'Avatar' } },
  { path: 'experts/:id', name: 'expert', component: () => import('@/views/experts/history.vue'), meta: { roles: R.pool, title: 'nav.expertHistory' } },
  { path: 'my-grade', name: 'my-grade', component: () => import('@/views/my-grade/index.vue'), meta: { roles: R.admin, title: 'nav.myGrade', menu: true, icon: 'Medal' } },
  { path: 'events', name: 'events', component: () => import('@/views/events/index.vue'), meta: { roles: R.readers, title: 'nav.events', menu: true, icon: 'List' } },
  // expert
  { path: 'panels', name: 'panels', component: () => import('@/views/panels/index.vue'), meta: { roles: R.expert, title: 'nav.panels', menu: true, icon: 'Stamp' } },
  { path: 'panels/:id', name: 'panel', component: () => import('@/views/panels/detail.vue'), meta: { roles: R.expert, title: 'nav.panel' } },
  // applicant
  { path: 'self-check', name: 'self-check', component: () => import('@/views/self-check/index.vue'), meta: { roles: R.applicant, title: 'nav.selfCheck', menu: true, icon: 'Checked' } },
  { path: 'my-applications', name: 'my-applications', component: () => import('@/views/my-applications/index.vue'), meta: { roles: R.applicant, title: 'nav.myApplications', menu: true, icon: 'Files' } },
  { path: 'certificates', name: 'certificates', component: () => import('@/views/certificates/index.vue'), meta: { roles: R.holders, title: 'nav.certificates', menu: true, icon: 'Medal' } },
  // everyone
  { path: 'equivalence', name: 'equivalence', component: () => import('@/views/equivalence/index.vue'), meta: { title: 'nav.equivalence', menu: true, icon: 'Connection' } },
  { path: 'forbidden', name: 'forbidden', component: () => import('@/views/errors/forbidden.vue'), meta: { title: 'nav.forbidden' } },
]

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/login/index.vue'), meta: { public: true, title: 'login.title' } },
  {
    path: '/public',
    component: () => import('@/layout/PublicLayout.vue'),
    meta: { public: true },
    children: [
      { path: 'verify', name: 'public-verify', component: () => import('@/views/verify/index.vue'), meta: { public: true, title: 'nav.verify' } },
      { path: 'equivalence', name: 'public-equivalence', component: () => import('@/views/equivalence/index.vue'), meta: { public: true, title: 'nav.equivalence' } },
    ],
  },
  { path: '/', name: 'home', component: () => import('@/layout/AppLayout.vue'), children: appRoutes },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/errors/not-found.vue'), meta: { public: true, title: 'nav.notFound' } },
]

/** Menu entries a role sees, in order. */
export function menuFor(role: Role | null): RouteRecordRaw[] {
  if (!role) return []
  return appRoutes.filter((r) => r.meta?.menu && (!r.meta.roles || r.meta.roles.includes(role)))
}

/** Where a role lands after signing in. */
export function homeOf(role: Role | null): string {
  const first = menuFor(role)[0]
  return first ? `/${first.path}` : '/equivalence'
}
