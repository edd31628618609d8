import { describe, expect, it } from 'vitest'
import { flagFilters } from '@/views/flags/useFlags'

describe('flag filters from a link', () => {
  it('opens the list filtered as the link says', () => {
    const f = flagFilters({ signal: 'stat.near_identical_scores', band: 'alarm', enterprise_id: '78', run_id: '3' })
    expect(f).toMatchObject({ signal: 'stat.near_identical_scores', band: 'alarm', enterprise_id: 78, run_id: 3 })
    expect(f.severity).toBe('')
  })

  it('leaves malformed values unset instead of sending them', () => {
    const f = flagFilters({ enterprise_id: '-1', run_id: 'abc', signal: ['a', 'b'] })
    expect(f.enterprise_id).toBeUndefined()
    expect(f.run_id).toBeUndefined()
    expect(f.signal).toBe('')
  })
})
