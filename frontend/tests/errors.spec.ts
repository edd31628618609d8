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
