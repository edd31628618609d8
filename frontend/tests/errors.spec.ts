import { describe, expect, it } from 'vitest'
import { ApiError, toApiError } from '@/api/errors'

const body = {
  error: {
    code: 'validation_failed',
    message: '请求数据校验未通过',
    message_en: 'the request did not pass validation',
    details: [
      { field: 'credit_code', problem: '校验码错误', problem_en: 'wrong check character' },
      { field: 'name', problem: '必填项缺失' },
    ],
  },
}

describe('ApiError', () => {
  it('reads the service envelope in both languages', () => {
    const e = toApiError(422, body)
    expect(e).toBeInstanceOf(ApiError)
    expect(e.code).toBe('validation_failed')
    expect(e.messageIn('zh-CN')).toBe('请求数据校验未通过')
    expect(e.messageIn('en')).toBe('the request did not pass validation')
  })
  it('attaches field problems by field, falling back to Chinese', () => {
    const e = toApiError(422, body)
    expect(e.fieldErrors('en')).toEqual({ credit_code: 'wrong check character', name: '必填项缺失' })
    expect(e.fieldErrors('zh-CN').credit_code).toBe('校验码错误')
  })
  it('turns anything else into a readable error', () => {
    expect(toApiError(502, '<html>').code).toBe('unexpected')
    expect(toApiError(0, null).messageIn('en')).toMatch(/server/)
  })
})

describe('reasons', () => {
  const names: Record<string, string> = { criteria: '评价指标', weight: '权重', series: '系列/工种' }
  const label = (n: string) => names[n]
  it('names the field of every reason, in words', async () => {
    const { reasonLines } = await import('@/api/errors')
    const e = toApiError(422, {
      error: {
        code: 'invalid_document', message: '基准标准文档校验未通过（2处问题）', message_en: '2 problems',
        details: [
          { field: 'document.series', problem: '缺少必填字段', problem_en: 'Field required' },
          { field: 'document.criteria[0].weight', problem: '须大于0', problem_en: 'must be positive' },
        ],
      },
    })
    expect(reasonLines(e, 'zh-CN', label)).toEqual(['系列/工种：缺少必填字段', '评价指标 #1 · 权重：须大于0'])
    expect(reasonLines(e, 'en', label)[0]).toBe('系列/工种: Field required')
  })
  it('keeps a reason without a field as it is (a blocked step)', async () => {
    const { reasonLines } = await import('@/api/errors')
    const e = toApiError(409, {
      error: { code: 'not_ready', message: '1项条件未满足', message_en: '1 condition', details: [{ field: '', problem: '公示期至2026-12-04结束' }] },
    })
    expect(reasonLines(e, 'zh-CN', label)).toEqual(['公示期至2026-12-04结束'])
  })
})
