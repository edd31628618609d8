/**
 * Rows of the title–skill equivalence table as the editor holds them: the direction decides
 * both tracks, a scope decides which of cluster / credit code applies, and optional fields
 * left empty are sent as absent (the table's validator refuses empty lists and strings).
 */
import { levelsOf } from '@/api/codes'

export type Direction = 'skill_to_title' | 'title_to_skill'
export type Scope = 'national' | 'cluster' | 'enterprise'
export const DIRECTIONS: Record<Direction, readonly ['title' | 'skill', 'title' | 'skill']> = {
  skill_to_title: ['skill', 'title'],
  title_to_skill: ['title', 'skill'],
}
export const SCOPES: readonly Scope[] = ['national', 'cluster', 'enterprise']

export interface EquivalenceRuleRow {
  code: string
  direction: Direction
  from_track: 'title' | 'skill'
  from_level: string
  up_to_level?: string | null
  to_track: 'title' | 'skill'
  to_level: string
  series_any_of?: string[] | null
  trades_any_of?: string[] | null
  min_years_at_level?: number
  frontline_post_required?: boolean
  appraisals_required_years?: number
  continuing_education_required?: boolean
  continuing_education_hours_per_year?: number
  continuing_education_years?: number
  scope?: Scope
  cluster?: string | null
  enterprise_credit_code?: string | null
  note?: string
  note_en?: string
  [other: string]: unknown
}

/** A code not yet used in the table. */
export function freshCode(codes: readonly string[], stem = 'rule'): string {
  const taken = new Set(codes)
  for (let i = codes.length + 1; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`
}

export function blankRule(codes: readonly string[], direction: Direction = 'skill_to_title'): EquivalenceRuleRow {
  const [from, to] = DIRECTIONS[direction]
  return {
    code: freshCode(codes),
    direction,
    from_track: from,
    from_level: levelsOf(from)[0] ?? '',
    up_to_level: null,
    to_track: to,
    to_level: levelsOf(to)[0] ?? '',
    min_years_at_level: 0,
    frontline_post_required: false,
    appraisals_required_years: 0,
    continuing_education_required: false,
    scope: 'national',
    note: '',
    note_en: '',
  }
}

/** The same rule in the other direction: tracks follow, levels that do not exist there reset. */
export function withDirection(rule: EquivalenceRuleRow, direction: Direction): EquivalenceRuleRow {
  const [from, to] = DIRECTIONS[direction]
  const keep = (level: string | null | undefined, track: string) => (level && levelsOf(track).includes(level) ? level : null)
  return {
    ...rule,
    direction,
    from_track: from,
    to_track: to,
    from_level: keep(rule.from_level, from) ?? levelsOf(from)[0] ?? '',
    up_to_level: keep(rule.up_to_level, from),
    to_level: keep(rule.to_level, to) ?? levelsOf(to)[0] ?? '',
  }
}

/** A scope keeps only the qualifier it uses. */
export function withScope(rule: EquivalenceRuleRow, scope: Scope): EquivalenceRuleRow {
  return {
    ...rule,
    scope,
    cluster: scope === 'cluster' ? rule.cluster ?? null : null,
    enterprise_credit_code: scope === 'enterprise' ? rule.enterprise_credit_code ?? null : null,
  }
}

/** The row as the table document holds it: empty optional fields left out. */
export function cleanedRule(rule: EquivalenceRuleRow): EquivalenceRuleRow {
  const out: EquivalenceRuleRow = { ...rule }
  for (const key of ['series_any_of', 'trades_any_of'] as const) {
    if (!out[key] || out[key]!.length === 0) delete out[key]
  }
  for (const key of ['up_to_level', 'cluster', 'enterprise_credit_code'] as const) {
    if (out[key] === null || out[key] === undefined || out[key] === '') delete out[key]
  }
  if (!out.continuing_education_required) {
    delete out.continuing_education_hours_per_year
    delete out.continuing_education_years
  }
  return out
}

/** Up-to levels a rule may name: the from level and those above it (a ladder runs low to high). */
export function upToChoices(rule: EquivalenceRuleRow): readonly string[] {
  const ladder = levelsOf(rule.from_track)
  const at = ladder.indexOf(rule.from_level)
  return at < 0 ? ladder : ladder.slice(at)
}

/** Codes used by more than one rule (the table refuses them; the editor says so beside the field). */
export function duplicateCodes(rules: readonly { code: string }[]): Set<string> {
  const seen = new Set<string>()
  const twice = new Set<string>()
  for (const r of rules) (seen.has(r.code) ? twice : seen).add(r.code)
  return twice
}
