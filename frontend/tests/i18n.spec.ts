import { describe, expect, it } from 'vitest'
import zhCN from '@/i18n/zh-CN'
import en from '@/i18n/en'

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

describe('messages', () => {
  const zh = new Set(keys(zhCN))
  const enKeys = new Set(keys(en))

  it('every zh-CN key exists in en', () => {
    expect([...zh].filter((k) => !enKeys.has(k))).toEqual([])
  })
  it('every en key exists in zh-CN', () => {
    expect([...enKeys].filter((k) => !zh.has(k))).toEqual([])
  })
  it('no message is empty', () => {
    const empty = (m: object) => keys(m).filter((k) => k !== 'roles.null' && k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], m) === '')
    expect(empty(zhCN)).toEqual([])
    expect(empty(en)).toEqual([])
  })
  it('every level, status and kind the API can send has a name', () => {
    for (const k of ['levels.skill.grade2', 'levels.title.intermediate', 'sessionStatus.public_notice', 'measureKinds.revocation', 'bands.certain']) {
      expect(zh.has(k) && enKeys.has(k), k).toBe(true)
    }
  })
})
