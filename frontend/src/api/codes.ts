/**
 * Codes the API accepts, in their ladder order, for pick lists: filled from the catalogue the
 * service serves (`GET /api/v1/catalogue`, loaded before the app mounts), never written here.
 */
import { catalogueCodes } from './catalogue'

function group(name: string): readonly string[] {
  return catalogueCodes[name] ?? []
}

/** Pick-list name → catalogue group (tests/review_service/test_frontend_codes.py checks it). */
export const PICK_LISTS = {
  TITLE_LEVELS: 'title_levels',
  SKILL_LEVELS: 'skill_levels',
  EDUCATION: 'education',
  TITLE_SERIES: 'title_series',
  SKILL_TRADES: 'skill_trades',
  CLUSTERS: 'clusters',
  MEASURE_KINDS: 'measure_kinds',
  CONFLICT_KINDS: 'conflict_kinds',
  SESSION_STATUSES: 'session_statuses',
  RELATION_KINDS: 'relation_kinds',
  EXPERT_STATUSES: 'expert_statuses',
} as const

export const titleLevels = () => group(PICK_LISTS.TITLE_LEVELS)
export const skillLevels = () => group(PICK_LISTS.SKILL_LEVELS)
export const educationCodes = () => group(PICK_LISTS.EDUCATION)
export const clusterCodes = () => group(PICK_LISTS.CLUSTERS)
export const measureKinds = () => group(PICK_LISTS.MEASURE_KINDS)
export const conflictKinds = () => group(PICK_LISTS.CONFLICT_KINDS)
export const sessionStatuses = () => group(PICK_LISTS.SESSION_STATUSES)
export const relationKinds = () => group(PICK_LISTS.RELATION_KINDS)
export const expertStatuses = () => group(PICK_LISTS.EXPERT_STATUSES)

export function levelsOf(track: string): readonly string[] {
  return track === 'skill' ? skillLevels() : titleLevels()
}

export function seriesOf(track: string): readonly string[] {
  return group(track === 'skill' ? PICK_LISTS.SKILL_TRADES : PICK_LISTS.TITLE_SERIES)
}
