import { describe, expect, it } from 'vitest'
import { overrideReasonOk, stepGate, type NextStep, type StepBlocker } from '@/views/sessions/stepGate'

const blocker = (overridable: boolean, field = 'panel[1].scores'): StepBlocker => ({
  field, problem: '评委甲有2份评分未提交', problem_en: 'member A has not submitted 2 score sheets', overridable, code: null,
})
const step = (blockers: StepBlocker[], flags: Partial<NextStep> = {}): NextStep => ({
  target: 'voting', ready: blockers.length === 0, override_allowed: blockers.length > 0 && blockers.every((b) => b.overridable), blockers, ...flags,
})

describe('stepGate', () => {
  it('offers a plain confirmation when nothing is missing', () => {
    expect(stepGate(step([]))).toEqual({ kind: 'ready', disabled: false, hard: [], soft: [] })
  })

  it('asks for an override reason when only overridable blockers remain', () => {
    const g = stepGate(step([blocker(true), blocker(true, 'panel[2].scores')]))
    expect(g.kind).toBe('override')
    expect(g.disabled).toBe(false)
    expect(g.soft).toHaveLength(2)
    expect(g.hard).toEqual([])
  })

  it('disables the step when any blocker cannot be overridden', () => {
    const g = stepGate(step([blocker(true), blocker(false, 'notice')]))
    expect(g.kind).toBe('blocked')
    expect(g.disabled).toBe(true)
    expect(g.hard.map((b) => b.field)).toEqual(['notice'])
    expect(g.soft).toHaveLength(1)
  })

  it('trusts the blockers over a flag that says otherwise', () => {
    // A hard blocker keeps the button off even if override_allowed were (wrongly) true.
    expect(stepGate(step([blocker(false)], { override_allowed: true, ready: true })).disabled).toBe(true)
  })

  it('leaves the decision to the server when its view is not loaded', () => {
    expect(stepGate(undefined)).toEqual({ kind: 'unknown', disabled: false, hard: [], soft: [] })
  })
})

describe('overrideReasonOk', () => {
  it('takes 5 to 1000 characters once trimmed, like the server', () => {
    expect(overrideReasonOk('  四个字  ')).toBe(false)
    expect(overrideReasonOk('评委因病缺席')).toBe(true)
    expect(overrideReasonOk('x'.repeat(1000))).toBe(true)
    expect(overrideReasonOk('x'.repeat(1001))).toBe(false)
  })
})
