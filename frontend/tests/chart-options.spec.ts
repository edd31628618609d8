import { describe, expect, it } from 'vitest'
import { scoreDistributionOption, type ScoreDistribution } from '@/charts/scoreDistributionOption'
import { gradeMapLayout, gradeMapOption, type GradeMap } from '@/charts/gradeMapOption'
import { riskHistoryOption, type RiskHistory } from '@/charts/riskHistoryOption'
import { filingsOption, gradesByClusterOption, type Overview } from '@/charts/overviewOption'
import { boundText, esc } from '@/charts/grades'

type Series = { name: string; type: string; data: unknown[]; markLine?: { data: unknown[] }; markArea?: { data: unknown[][] } }
const bounds = [
  { grade: 'A', lower: 0, upper: 2 }, { grade: 'B', lower: 2, upper: 4 },
  { grade: 'C', lower: 4, upper: 6 }, { grade: 'D', lower: 6, upper: null },
]

const dist: ScoreDistribution = {
  run_id: 1, period: '2026', credit_code: 'X', enterprise_id: 1, name: '甲', cluster: '船舶海工', pass_score: 60, bin_width: 1,
  bins: [
    { lower: -1, count: 1, peer_share: 0.25 }, { lower: 0, count: 4, peer_share: 0.25 },
    { lower: 1, count: 3, peer_share: 0.25 }, { lower: 2, count: 0, peer_share: 0.25 },
  ],
  n: 8, peer_n: 40, peer_bodies: 3, window: 3, just_above: 7, just_below: 1, expected_share: 0.5, p_value: 0.035, flag_id: null,
}
const sdLabels = { body: 'B', peers: 'P', passLine: 'Pass', window: 'W', score: 'Score', margin: 'Margin', applications: 'n' }

describe('scoreDistributionOption', () => {
  it('puts each bin at its centre in scores and scales the peers to the body', () => {
    const [bars, peers, window] = scoreDistributionOption(dist, sdLabels).series as Series[]
    expect(window!.data).toEqual([]) // the window's legend entry only
    expect(bars!.data).toEqual([[59.5, 1], [60.5, 4], [61.5, 3], [62.5, 0]])
    // Peer shares × the body's 8 applications: the shapes compare at one scale.
    expect(peers!.data).toEqual([[59.5, 2], [60.5, 2], [61.5, 2], [62.5, 2]])
  })

  it('marks the pass line and shades the bunching window just above it', () => {
    const [bars] = scoreDistributionOption(dist, sdLabels).series as Series[]
    expect(bars!.markLine!.data).toEqual([{ xAxis: 60 }])
    expect(bars!.markArea!.data).toEqual([[{ xAxis: 60 }, { xAxis: 63 }]])
    const o = scoreDistributionOption(dist, sdLabels)
    expect([o.xAxis.min, o.xAxis.max]).toEqual([55, 65]) // bins 59–63, axis on round scores
    expect(o.xAxis.name).toBe('Score')
  })

  it('draws relative to the pass line when sessions have different pass scores', () => {
    const o = scoreDistributionOption({ ...dist, pass_score: null }, sdLabels)
    const [bars] = o.series as Series[]
    expect(bars!.markLine!.data).toEqual([{ xAxis: 0 }])
    expect((bars!.data[0] as number[])[0]).toBe(-0.5)
    expect(o.xAxis.name).toBe('Margin')
  })
})

const map: GradeMap = {
  run_id: 1, period: '2026', clusters: ['电子信息', '船舶海工'],
  cells: [
    { enterprise_id: 1, credit_code: 'a', name: '甲<b>', cluster: '电子信息', body_kind: 'enterprise', grade: 'D', evidence: 7.5, flag_count: 9, application_count: 20 },
    { enterprise_id: 2, credit_code: 'b', name: '乙', cluster: '电子信息', body_kind: 'enterprise', grade: 'A', evidence: 0.4, flag_count: 1, application_count: 30 },
    { enterprise_id: null, credit_code: 'c', name: '丙', cluster: '船舶海工', body_kind: 'third_party', grade: 'B', evidence: 2.1, flag_count: 2, application_count: 10 },
  ],
  bounds,
}
const gmLabels = { cluster: (c: string) => `[${c}]`, grade: (g: string) => `G${g}`, evidence: 'E', flags: 'F', applications: 'N', bodies: 'Bodies' }

describe('gradeMapOption', () => {
  it('lays bodies out in one row per cluster, in the order the server ranked them', () => {
    expect(gradeMapLayout(map).map((d) => d.value)).toEqual([[0, 0], [1, 0], [0, 1]])
  })

  it('draws one series per grade with its colour, labels from the catalogue', () => {
    const o = gradeMapOption(map, gmLabels)
    const series = o.series as Series[]
    expect(series.map((s) => s.name)).toEqual(['GA', 'GB', 'GC', 'GD'])
    expect(series.map((s) => s.data.length)).toEqual([1, 1, 0, 1])
    expect(o.yAxis.data).toEqual(['[电子信息]', '[船舶海工]'])
    expect(o.legend.data).toEqual(['GA', 'GB', 'GC', 'GD'])
  })

  it('gives the evidence on hover, names escaped', () => {
    const o = gradeMapOption(map, gmLabels)
    const text = o.tooltip.formatter({ data: gradeMapLayout(map)[0]! })
    expect(text).toContain('甲&lt;b&gt;')
    expect(text).toContain('E: 7.50')
    expect(text).toContain('F: 9')
  })
})

const history: RiskHistory = {
  enterprise_id: 1, credit_code: 'a', bounds,
  points: [
    { run_id: 3, period: '2025', finished_at: null, grade: 'A', evidence: 1.2 },
    { run_id: 7, period: '2026', finished_at: null, grade: 'D', evidence: 9.4 },
  ],
}

describe('riskHistoryOption', () => {
  it('shades the grade bands behind the evidence line, D up to the top of the axis', () => {
    const o = riskHistoryOption(history, { evidence: 'E', run: (p) => `#${p.run_id}`, grade: (g) => g })
    const [line] = o.series as Series[]
    expect((line!.data as { value: number }[]).map((d) => d.value)).toEqual([1.2, 9.4])
    const areas = line!.markArea!.data as { yAxis: number; name?: string }[][]
    expect(areas.map(([a, b]) => [a!.yAxis, b!.yAxis])).toEqual([[0, 2], [2, 4], [4, 6], [6, o.yAxis.max]])
    expect(areas.map(([a]) => a!.name)).toEqual(['A < 2', '2 ≤ B < 4', '4 ≤ C < 6', 'D ≥ 6'])
    expect(o.yAxis.max).toBeGreaterThan(9.4)
    expect(o.xAxis.data).toEqual(['#3', '#7'])
  })

  it('keeps every band visible when the evidence is low', () => {
    const low = { ...history, points: [{ ...history.points[0]! }] }
    expect(riskHistoryOption(low, { evidence: 'E', run: () => 'r', grade: (g) => g }).yAxis.max).toBeGreaterThan(6)
  })
})

const overview: Overview = {
  filing_count: 6, run_count: 1, latest_run: null, latest_finished_run: null, cases_by_status: [],
  filings: [
    { period: '2026', body_kind: 'enterprise', count: 3 },
    { period: '2025', body_kind: 'enterprise', count: 2 },
    { period: '2026', body_kind: 'third_party', count: 1 },
  ],
  grades_by_cluster: [{ cluster: '船舶海工', counts: { A: 3, B: 1, C: 0, D: 1 } }],
}

describe('overview options', () => {
  it('stacks filings by kind of body over periods in order', () => {
    const o = filingsOption(overview, { kind: (k) => `K:${k}`, filings: 'F' })
    expect(o.xAxis.data).toEqual(['2025', '2026'])
    expect((o.series as Series[]).map((s) => [s.name, s.data])).toEqual([['K:enterprise', [2, 3]], ['K:third_party', [0, 1]]])
  })

  it('stacks grades A–D per cluster', () => {
    const o = gradesByClusterOption(overview, { cluster: (c) => c, grade: (g) => g, bodies: 'n' })
    expect((o.series as Series[]).map((s) => s.data)).toEqual([[3], [1], [0], [1]])
  })
})

describe('grade bands', () => {
  it('reads the cut-offs and escapes tooltip text', () => {
    expect(bounds.map(boundText)).toEqual(['A < 2', '2 ≤ B < 4', '4 ≤ C < 6', 'D ≥ 6'])
    expect(esc('<a href="x">')).toBe('&lt;a href=&quot;x&quot;&gt;')
  })
})
