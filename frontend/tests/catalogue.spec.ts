import { describe, expect, it } from 'vitest'
import { catalogueCodes, catalogueMessages, rememberCodes } from '@/api/catalogue'
import { educationCodes, levelsOf, seriesOf } from '@/api/codes'

const groups = {
  skill_levels: [{ code: 'grade3', zh: '高级工（三级）', en: 'Senior worker (grade 3)' }, { code: 'grade2', zh: '技师（二级）', en: 'Technician (grade 2)' }],
  title_series: [{ code: 'engineering', zh: '工程技术', en: 'Engineering' }],
  skill_trades: [{ code: 'welder', zh: '焊工', en: 'Welder' }],
  signals: [{ code: 'rule.panel_chair', zh: '主任委员设置不符合要求', en: 'panel chair rule broken' }],
  event_verbs: [{ code: 'login', zh: '登录', en: 'signed in' }],
  education: [{ code: 'bachelor', zh: '本科', en: "Bachelor's" }],
}

describe('catalogue', () => {
  it('puts each group under the message group the screens use, in both languages', () => {
    const m = catalogueMessages(groups) as Record<string, any>
    expect(m['zh-CN'].levels.skill.grade2).toBe('技师（二级）')
    expect(m.en.levels.skill.grade2).toBe('Technician (grade 2)')
    expect(m['zh-CN'].series).toEqual({ engineering: '工程技术', welder: '焊工' })
    // codes with dots nest like message keys do
    expect(m['zh-CN'].signals.rule.panel_chair).toBe('主任委员设置不符合要求')
    expect(m.en.eventVerbs.login).toBe('signed in')
  })
  it('fills the pick lists in the order served', () => {
    rememberCodes(groups)
    expect(levelsOf('skill')).toEqual(['grade3', 'grade2'])
    expect(seriesOf('title')).toEqual(['engineering'])
    expect(seriesOf('skill')).toEqual(['welder'])
    expect(educationCodes()).toEqual(['bachelor'])
    expect(catalogueCodes.signals).toEqual(['rule.panel_chair'])
  })
})
