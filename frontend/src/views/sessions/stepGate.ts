/** What the stepper may offer for one next state, from the server's `next-steps` answer. */
import type { components } from '@/api/schema'

export type NextStep = components['schemas']['NextStep']
export type StepBlocker = components['schemas']['StepBlocker']

/**
 * `ready`: nothing missing, a plain confirmation.
 * `override`: only blockers the rules let HR lift; the move needs a logged reason.
 * `blocked`: something no reason lifts (panel, notice period, authorisation): the button is off.
 * `unknown`: the server's view is not loaded; the move is offered and the server decides.
 */
export type GateKind = 'ready' | 'override' | 'blocked' | 'unknown'

export interface StepGate {
  kind: GateKind
  disabled: boolean
  hard: StepBlocker[]
  soft: StepBlocker[]
}

export const OVERRIDE_REASON_MIN = 5
export const OVERRIDE_REASON_MAX = 1000

export function stepGate(step: NextStep | undefined): StepGate {
  if (!step) return { kind: 'unknown', disabled: false, hard: [], soft: [] }
  const hard = step.blockers.filter((b) => !b.overridable)
  const soft = step.blockers.filter((b) => b.overridable)
  // The blockers decide, not the flags alone: a step with a hard blocker is off whatever else it says.
  const kind: GateKind = hard.length ? 'blocked' : soft.length ? 'override' : 'ready'
  return { kind, disabled: kind === 'blocked', hard, soft }
}

/** The override reason the server takes: 5–1000 characters once trimmed. */
export function overrideReasonOk(reason: string): boolean {
  const n = reason.trim().length
  return n >= OVERRIDE_REASON_MIN && n <= OVERRIDE_REASON_MAX
}
