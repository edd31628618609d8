import { describe, expect, it } from 'vitest'
import { appRoutes, homeOf, menuFor } from '@/router/routes'

describe('routes', () => {
  it('shows each role only its own menu entries', () => {
    const regulator = menuFor('regulator').map((r) => r.name)
    expect(regulator).toContain('flags')
    expect(regulator).not.toContain('standards')
    const admin = menuFor('enterprise_admin').map((r) => r.name)
    expect(admin).toEqual(expect.arrayContaining(['standards', 'sessions', 'users', 'my-grade']))
    expect(admin).not.toContain('audit-runs')
    expect(menuFor('expert').map((r) => r.name)).toEqual(['panels', 'equivalence'])
    expect(menuFor('applicant').map((r) => r.name)).toEqual(['self-check', 'my-applications', 'certificates', 'equivalence'])
    expect(menuFor(null)).toEqual([])
  })
  it('lands each role on its first page', () => {
    expect(homeOf('regulator')).toBe('/overview') // the overview is the regulator's landing page
    expect(homeOf('expert')).toBe('/panels')
  })
  it('every page has a translated title key', () => {
    expect(appRoutes.every((r) => typeof r.meta?.title === 'string')).toBe(true)
  })
})
