/**
 * The shapes of a standard's requirement rules (standards/requirements.py), one field list per
 * kind, so the editor draws a form for each rule and a change of kind keeps what still applies.
 */
import { educationCodes, levelsOf } from '@/api/codes'

export type FieldType = 'education' | 'track' | 'level' | 'years' | 'count' | 'series' | 'words' | 'byEducation'

export interface FieldSpec {
  key: string
  type: FieldType
  /** Optional fields may be left empty (sent as absent). */
  optional?: boolean
  /** For `level` and `series`: the field holding the track (else the document's track). */
  trackFrom?: string
  min?: number
}

export const REQUIREMENT_FIELDS: Record<string, readonly FieldSpec[]> = {
  min_education: [{ key: 'minimum', type: 'education' }],
  years_at_previous_level: [
    { key: 'previous_track', type: 'track' },
    { key: 'previous_level', type: 'level', trackFrom: 'previous_track' },
    { key: 'years', type: 'years', optional: true },
    { key: 'by_education', type: 'byEducation', optional: true },
    { key: 'series_any_of', type: 'series', optional: true, trackFrom: 'previous_track' },
    { key: 'or_years_in_occupation', type: 'years', optional: true },
  ],
  years_in_occupation: [
    { key: 'years', type: 'years', optional: true },
    { key: 'by_education', type: 'byEducation', optional: true },
  ],
  prerequisite: [
    { key: 'track', type: 'track' },
    { key: 'level', type: 'level', trackFrom: 'track' },
    { key: 'series_any_of', type: 'series', optional: true, trackFrom: 'track' },
    { key: 'specialty_any_of', type: 'words', optional: true },
  ],
  certificates: [
    { key: 'min_education', type: 'education' },
    { key: 'count', type: 'count', min: 0 },
    { key: 'accepted', type: 'words', optional: true },
  ],
  appraisals: [{ key: 'last_years', type: 'count', min: 1 }],
  continuing_education: [
    { key: 'hours_per_year', type: 'years', min: 1 },
    { key: 'last_years', type: 'count', min: 1 },
  ],
  frontline_post: [],
  award: [
    { key: 'accepted', type: 'words' },
    { key: 'min_count', type: 'count', min: 1 },
  ],
}
export const REQUIREMENT_KINDS = Object.keys(REQUIREMENT_FIELDS)

export type Requirement = { code: string; kind: string; note?: string; note_en?: string; [k: string]: unknown }

function defaultOf(spec: FieldSpec, rule: Requirement, docTrack: string): unknown {
  if (spec.optional) return spec.type === 'byEducation' ? {} : undefined
  switch (spec.type) {
    case 'education':
      return educationCodes().includes('bachelor') ? 'bachelor' : educationCodes()[0]
    case 'track':
      return docTrack
    case 'level': {
      const track = String(rule[spec.trackFrom ?? ''] ?? docTrack)
      return levelsOf(track)[0] ?? ''
    }
    case 'years':
      return spec.key === 'hours_per_year' ? 90 : 1
    case 'count':
      return spec.key === 'last_years' ? 3 : Math.max(spec.min ?? 0, 1)
    case 'words':
      return []
    default:
      return undefined
  }
}

/** A rule of `kind`: its code and notes kept, fields it shares with `from` kept, others defaulted. */
export function ruleOfKind(kind: string, from: Requirement, docTrack: string): Requirement {
  const out: Requirement = { code: from.code, kind }
  if (from.note) out.note = from.note
  if (from.note_en) out.note_en = from.note_en
  for (const spec of REQUIREMENT_FIELDS[kind] ?? []) {
    // A field of the same name means the same thing in every kind (years, accepted, last_years).
    const kept = from[spec.key]
    const value = kept !== undefined ? kept : defaultOf(spec, out, docTrack)
    if (value !== undefined) out[spec.key] = value
  }
  // Years rules need a route: flat years unless years by education were given.
  const byEducation = out.by_education as Record<string, number> | undefined
  if ('by_education' in out && out.years === undefined && !Object.keys(byEducation ?? {}).length) out.years = 2
  return out
}

/** A code not used by another rule of the standard. */
export function freshRequirementCode(kind: string, codes: readonly string[]): string {
  if (!codes.includes(kind)) return kind
  for (let i = 2; ; i++) if (!codes.includes(`${kind}_${i}`)) return `${kind}_${i}`
}

export function newRequirement(kind: string, codes: readonly string[], docTrack: string): Requirement {
  return ruleOfKind(kind, { code: freshRequirementCode(kind, codes), kind }, docTrack)
}

/** The rule as the document holds it: empty optional fields left out, numbers as numbers. */
export function cleanedRequirement(rule: Requirement): Requirement {
  const out: Requirement = { ...rule }
  for (const spec of REQUIREMENT_FIELDS[rule.kind] ?? []) {
    const v = out[spec.key]
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
    if (spec.optional && spec.type !== 'byEducation' && empty) delete out[spec.key]
  }
  if (!out.note) delete out.note
  if (!out.note_en) delete out.note_en
  return out
}

/** The level field follows its track: a level the new track does not have is replaced. */
export function withTrack(rule: Requirement, trackKey: string, track: string): Requirement {
  const out: Requirement = { ...rule, [trackKey]: track }
  for (const spec of REQUIREMENT_FIELDS[rule.kind] ?? []) {
    if (spec.trackFrom !== trackKey) continue
    if (spec.type === 'level' && !levelsOf(track).includes(String(out[spec.key] ?? ''))) out[spec.key] = levelsOf(track)[0] ?? ''
    if (spec.type === 'series') delete out[spec.key]
  }
  return out
}
