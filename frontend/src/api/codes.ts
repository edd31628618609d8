/**
 * Codes the API accepts, in their ladder order, for pick lists. Their names are translations
 * (`levels.*`, `education.*`, `series.*` in the message files); no rule is derived from them.
 */
export const TITLE_LEVELS = ['technician', 'assistant', 'intermediate', 'deputy_senior', 'senior'] as const
export const SKILL_LEVELS = [
  'apprentice', 'grade5', 'grade4', 'grade3', 'grade2', 'grade1', 'special_technician', 'chief_technician',
] as const
export const EDUCATION = [
  'junior_high', 'senior_high', 'secondary_vocational', 'junior_college', 'bachelor', 'master', 'doctorate',
] as const
export const TITLE_SERIES = ['engineering', 'economics', 'accounting', 'statistics', 'agriculture'] as const
export const SKILL_TRADES = [
  'welder', 'ship_fitter', 'pipe_fitter', 'coating_worker', 'electrician', 'bench_fitter', 'machinist',
  'spinner', 'weaver', 'dyeing_worker', 'textile_inspector',
] as const
export const CLUSTERS = [
  'shipbuilding_offshore', 'high_end_textile', 'electronics', 'intelligent_equipment', 'construction', 'new_materials',
] as const
export const MEASURE_KINDS = ['reminder', 'interview', 'suspension', 'rectification', 'public_criticism', 'revocation'] as const
export const CONFLICT_KINDS = ['relative', 'same_department', 'supervisor', 'own_application', 'collaborator', 'other'] as const
export const SESSION_STATUSES = [
  'draft', 'open', 'validating', 'reviewing', 'voting', 'decided', 'public_notice', 'finalized', 'filed',
] as const

export function levelsOf(track: string): readonly string[] {
  return track === 'skill' ? SKILL_LEVELS : TITLE_LEVELS
}

export function seriesOf(track: string): readonly string[] {
  return track === 'skill' ? SKILL_TRADES : TITLE_SERIES
}
