import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/errors'
import { problemsOf } from '@/composables/useSpreadsheetImport'

const problem = { row: 3, column: '参保开始日期', column_en: 'Insured from', rule: 'registry.bad_date', problem: '日期无效', problem_en: 'not a date' }

describe('spreadsheet import refusals', () => {
  it('keeps the row, column and rule table and the full count (the table may be cut at 500)', () => {
    const err = new ApiError(422, { code: 'invalid_registry', message: 'x', message_en: 'x', details: [], problems: [problem], problem_count: 812 })
    expect(problemsOf(err)).toEqual({ problems: [problem], count: 812 })
  })
  it('has nothing to list for a refusal without a table', () => {
    const err = new ApiError(413, { code: 'file_too_large', message: 'x', message_en: 'x', details: [] })
    expect(problemsOf(err)).toEqual({ problems: [], count: 0 })
    expect(problemsOf(new Error('offline'))).toEqual({ problems: [], count: 0 })
  })
})
