// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, installCatalogue, setLang } from '@/i18n'
import { catalogueMessages } from '@/api/catalogue'
import RequirementTable from '@/components/RequirementTable.vue'
import StatusTag from '@/components/StatusTag.vue'
import ImportProblems from '@/components/ImportProblems.vue'
import type { RequirementResult } from '@/api/types'

const rows: RequirementResult[] = [
  {
    code: 'years', kind: 'years_at_previous_level', rule: '取得助理工程师后满5年', rule_en: '5 years as assistant engineer',
    required: '5年', required_en: '5 years', given: '3.2年', given_en: '3.2 years', passed: false,
    message: '不符合：差1.8年', message_en: 'not met: 1.8 years short',
  },
]

installCatalogue(catalogueMessages({ session_statuses: [{ code: 'public_notice', zh: '公示中', en: 'Public notice' }] }))

const opts = { global: { plugins: [i18n, ElementPlus] } }

describe('components', () => {
  it('RequirementTable shows required against given in the current language', async () => {
    setLang('zh-CN')
    const w = mount(RequirementTable, { props: { rows }, ...opts })
    await new Promise((r) => setTimeout(r, 0))
    expect(w.text()).toContain('5年')
    expect(w.text()).toContain('3.2年')
    setLang('en')
    await w.vm.$nextTick()
    expect(w.text()).toContain('3.2 years')
    expect(w.text()).toContain('not met: 1.8 years short')
    setLang('zh-CN')
  })
  it('StatusTag names a status in the current language', async () => {
    const w = mount(StatusTag, { props: { group: 'sessionStatus', value: 'public_notice' }, ...opts })
    expect(w.text()).toBe('公示中')
    i18n.global.locale.value = 'en'
    await w.vm.$nextTick()
    expect(w.text()).toBe('Public notice')
    i18n.global.locale.value = 'zh-CN'
  })
  it('ImportProblems lists each refused cell by row, column and rule in the current language', async () => {
    setLang('zh-CN')
    const problems = [
      { row: 5, column: '身份证号', column_en: 'Resident ID', rule: 'resident_id.check_digit', problem: '校验码错误', problem_en: 'check digit mismatch' },
      { row: 13, column: '聘期结束', column_en: 'Term end', rule: 'term_length', problem: '专家聘期最长3年', problem_en: 'a term lasts at most 3 years' },
    ]
    const w = mount(ImportProblems, { props: { problems, count: 2 }, ...opts })
    await new Promise((r) => setTimeout(r, 0))
    expect(w.text()).toContain('共 2 处问题')
    expect(w.text()).toContain('聘期结束')
    expect(w.text()).toContain('term_length')
    setLang('en')
    await w.vm.$nextTick()
    expect(w.text()).toContain('Term end')
    expect(w.text()).toContain('a term lasts at most 3 years')
    setLang('zh-CN')
    const empty = mount(ImportProblems, { props: { problems: [], count: 0 }, ...opts })
    expect(empty.find('[data-test=import-problems]').exists()).toBe(false)
  })
})
