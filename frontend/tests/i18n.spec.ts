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
  it('leaves the names of codes to the catalogue the service serves', () => {
    for (const k of ['levels', 'sessionStatus', 'measureKinds', 'bands']) {
      expect(k in zhCN || k in en, k).toBe(false)
    }
  })
})
