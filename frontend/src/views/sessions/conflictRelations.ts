/**
 * The relations HR may record by hand between a panel member and an applicant. Working in the
 * same department is not a conflict by itself (detection raises it for a person to confirm),
 * and an own application is found by the system, so neither is offered.
 */
import type { ConflictKind } from '@/api/types'

export const HAND_RELATIONS: readonly ConflictKind[] = ['supervisor', 'relative', 'collaborator', 'other']

export interface ConflictDraft {
  panel_member_id: number | undefined
  application_id: number | undefined
  kind: ConflictKind | undefined
  reason: string
}

export function blankConflict(): ConflictDraft {
  return { panel_member_id: undefined, application_id: undefined, kind: undefined, reason: '' }
}

/** The pair already has a conflict of this kind (the service would refuse it as a duplicate). */
export function alreadyRecorded(
  draft: ConflictDraft,
  existing: readonly { panel_member_id: number; application_id: number; kind: string }[],
): boolean {
  return existing.some(
    (c) => c.panel_member_id === draft.panel_member_id && c.application_id === draft.application_id && c.kind === draft.kind,
  )
}
