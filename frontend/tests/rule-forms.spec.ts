import { beforeAll, describe, expect, it } from 'vitest'
import { rememberCodes } from '@/api/catalogue'
import {
  blankRule, cleanedRule, freshCode, upToChoices, withDirection, withScope, type EquivalenceRuleRow,
} from '@/components/rules/equivalenceRules'
import {
  REQUIREMENT_FIELDS, cleanedRequirement, freshRequirementCode, newRequirement, ruleOfKind, withTrack,
} from '@/components/rules/requirementKinds'
import { fieldError, rowErrors } from '@/components/rules/rowErrors'
import { alreadyRecorded, blankConflict, HAND_RELATIONS } from '@/views/sessions/conflictRelations'

const label = (code: string) => ({ code, zh: code, en: code })
beforeAll(() => {
  rememberCodes({
    title_levels: ['technician', 'assistant', 'intermediate', 'deputy_senior', 'senior'].map(label),
    skill_levels: ['apprentice', 'grade5', 'grade4', 'grade3', 'grade2', 'grade1'].map(label),
    education: ['secondary_vocational', 'associate', 'bachelor', 'master'].map(label),
    title_series: ['engineering'].map(label),
    skill_trades: ['welder'].map(label),
  })
})

describe('equivalence rules', () => {
  it('a new rule gets an unused code and the tracks of its direction', () => {
    const rule = blankRule(['rule_1', 'rule_2'])
    expect(rule.code).toBe('rule_3')
    expect([rule.from_track, rule.to_track]).toEqual(['skill', 'title'])
    expect(rule.from_level).toBe('apprentice')
    expect(freshCode(['rule_2'])).toBe('rule_3')
    expect(freshCode(['rule_2', 'rule_3'])).toBe('rule_4')
  })

  it('turning a rule round swaps the tracks and resets levels the other track lacks', () => {
    const rule: EquivalenceRuleRow = { ...blankRule([]), from_level: 'grade3', up_to_level: 'grade2', to_level: 'assistant' }
    const back = withDirection(rule, 'title_to_skill')
    expect([back.from_track, back.to_track]).toEqual(['title', 'skill'])
    expect(back.from_level).toBe('technician') // grade3 is no title level
    expect(back.up_to_level).toBeNull()
    expect(back.to_level).toBe('apprentice')
    // the same direction keeps what is valid
    expect(withDirection(rule, 'skill_to_title')).toMatchObject({ from_level: 'grade3', up_to_level: 'grade2', to_level: 'assistant' })
  })

  it('a scope keeps only its own qualifier', () => {
    const rule = { ...blankRule([]), cluster: 'shipbuilding_offshore', enterprise_credit_code: '91320600MA1XXXXXXX' }
    expect(withScope(rule, 'cluster')).toMatchObject({ scope: 'cluster', cluster: 'shipbuilding_offshore', enterprise_credit_code: null })
    expect(withScope(rule, 'enterprise')).toMatchObject({ cluster: null, enterprise_credit_code: '91320600MA1XXXXXXX' })
    expect(withScope(rule, 'national')).toMatchObject({ cluster: null, enterprise_credit_code: null })
  })

  it('leaves empty optional fields out of the document', () => {
    const rule = { ...blankRule([]), series_any_of: [], trades_any_of: ['welder'], up_to_level: '', cluster: null, continuing_education_hours_per_year: 90 }
    const out = cleanedRule(rule)
    expect(out).not.toHaveProperty('series_any_of')
    expect(out).not.toHaveProperty('up_to_level')
    expect(out).not.toHaveProperty('cluster')
    expect(out).not.toHaveProperty('continuing_education_hours_per_year') // CE not required
    expect(out.trades_any_of).toEqual(['welder'])
    expect(cleanedRule({ ...rule, continuing_education_required: true }).continuing_education_hours_per_year).toBe(90)
  })

  it('offers up-to levels from the from level upwards', () => {
    expect(upToChoices({ ...blankRule([]), from_level: 'grade3' })).toEqual(['grade3', 'grade2', 'grade1'])
  })
})

describe('requirement rules', () => {
  it('every kind of the library has a field list', () => {
    expect(Object.keys(REQUIREMENT_FIELDS).sort()).toEqual([
      'appraisals', 'award', 'certificates', 'continuing_education', 'frontline_post', 'min_education',
      'prerequisite', 'years_at_previous_level', 'years_in_occupation',
    ])
  })

  it('a new rule of a kind has every required field and a code of its own', () => {
    const r = newRequirement('years_at_previous_level', ['years_at_previous_level'], 'title')
    expect(r.code).toBe('years_at_previous_level_2')
    expect(r).toMatchObject({ kind: 'years_at_previous_level', previous_track: 'title', previous_level: 'technician', years: 2, by_education: {} })
    expect(newRequirement('continuing_education', [], 'skill')).toMatchObject({ hours_per_year: 90, last_years: 3 })
    expect(newRequirement('min_education', [], 'title')).toMatchObject({ minimum: 'bachelor' })
    expect(freshRequirementCode('award', ['award', 'award_2'])).toBe('award_3')
  })

  it('changing the kind keeps the code, the note and the fields both kinds share', () => {
    const years = { code: 'yrs', kind: 'years_in_occupation', years: 5, by_education: { bachelor: 3 }, note: '说明' }
    const prev = ruleOfKind('years_at_previous_level', years, 'skill')
    expect(prev).toMatchObject({ code: 'yrs', note: '说明', years: 5, by_education: { bachelor: 3 }, previous_track: 'skill', previous_level: 'apprentice' })
    const appr = ruleOfKind('appraisals', prev, 'skill')
    expect(appr).toEqual({ code: 'yrs', kind: 'appraisals', note: '说明', last_years: 3 })
  })

  it('years by education alone is a route: no flat years are added', () => {
    const r = ruleOfKind('years_in_occupation', { code: 'y', kind: 'years_in_occupation', by_education: { master: 2 } }, 'title')
    expect(r).not.toHaveProperty('years')
  })

  it('a level follows its track', () => {
    const r = { code: 'p', kind: 'prerequisite', track: 'title', level: 'assistant', series_any_of: ['engineering'] }
    expect(withTrack(r, 'track', 'skill')).toEqual({ code: 'p', kind: 'prerequisite', track: 'skill', level: 'apprentice' })
    expect(withTrack(r, 'track', 'title').level).toBe('assistant')
  })

  it('optional fields left empty are not sent', () => {
    const r = { code: 'c', kind: 'certificates', min_education: 'bachelor', count: 2, accepted: [], note: '' }
    expect(cleanedRequirement(r)).toEqual({ code: 'c', kind: 'certificates', min_education: 'bachelor', count: 2 })
    // a required list stays even when empty, so the server names it
    expect(cleanedRequirement({ code: 'a', kind: 'award', accepted: [], min_count: 1 })).toHaveProperty('accepted')
  })
})

describe('row errors', () => {
  const errors = {
    'document.rules[1].to_level': '等级不存在',
    'document.rules[1]': '方向与类别不一致',
    'document.rules[10].code': '重复',
    'document.name': '必填',
  }
  it('collects the problems of one row only', () => {
    expect(rowErrors(errors, 'rules', 1).sort()).toEqual(['to_level: 等级不存在', '方向与类别不一致'].sort())
    expect(rowErrors(errors, 'rules', 10)).toEqual(['code: 重复'])
    expect(rowErrors(errors, 'rules', 0)).toEqual([])
    expect(fieldError(errors, 'rules', 1, 'to_level')).toBe('等级不存在')
    expect(fieldError({ 'requirements[0].years': 'x' }, 'requirements', 0, 'years')).toBe('x')
  })
})

describe('conflicts recorded by hand', () => {
  it('offers no same-department or own-application relation', () => {
    expect(HAND_RELATIONS).not.toContain('same_department')
    expect(HAND_RELATIONS).not.toContain('own_application')
    expect(HAND_RELATIONS).toEqual(expect.arrayContaining(['supervisor', 'relative', 'other']))
  })
  it('sees a duplicate of the same member, applicant and kind', () => {
    const draft = { ...blankConflict(), panel_member_id: 3, application_id: 7, kind: 'relative' as const }
    const existing = [{ panel_member_id: 3, application_id: 7, kind: 'supervisor' }]
    expect(alreadyRecorded(draft, existing)).toBe(false)
    expect(alreadyRecorded(draft, [...existing, { panel_member_id: 3, application_id: 7, kind: 'relative' }])).toBe(true)
  })
})

describe('row errors beside their fields', () => {
  it('leaves out the errors already shown beside a field', () => {
    const errors = { 'document.requirements[4].accepted': '至少需要1项', 'document.requirements[4]': '代码重复' }
    expect(rowErrors(errors, 'requirements', 4, ['accepted'])).toEqual(['代码重复'])
  })
})
