/**
 * Audit texts in the user's language: signal and feature names from the catalogue, the English
 * names the audit library gives its statistics, and evidence values of any shape.
 */
import { useI18n } from 'vue-i18n'
import { useFormat } from './useFormat'

// The statistic names audit/ writes (English only), by language.
const STATISTICS: Record<string, [string, string]> = {
  z: ['z值', 'z'],
  'mean |difference| of normalised scores': ['标准化评分差的平均绝对值', 'mean |difference| of normalised scores'],
  'z (binomial, scorings under the floor)': ['z值（二项检验，低于底线的评分）', 'z (binomial, scorings under the floor)'],
  'z (over-dispersed funnel)': ['z值（过度离散漏斗图）', 'z (over-dispersed funnel)'],
  'z (both directions, the weaker)': ['z值（双向取弱者）', 'z (both directions, the weaker)'],
  'isolation forest anomaly score': ['孤立森林异常分', 'isolation forest anomaly score'],
  'unmet requirements': ['未满足的申报条件数', 'unmet requirements'],
  'decision parts failed': ['未满足的决定要件数', 'decision parts failed'],
  '|reported - mean of member totals|': ['报送分与评委总分均值之差', '|reported − mean of member totals|'],
  laxities: ['宽于基准之处', 'laxities'],
  'panel members': ['评委人数', 'panel members'],
  recusals: ['回避数', 'recusals'],
  'approvals for this level': ['该等级通过次数', 'approvals for this level'],
  'enterprises in the period': ['同期单位数', 'enterprises in the period'],
  'consecutive insured months': ['连续参保月数', 'consecutive insured months'],
  'education rank (1 初中 .. 7 博士)': ['学历层级（1初中…7博士）', 'education rank (1 junior high … 7 doctorate)'],
  'z (binomial, just above pass line)': ['z值（二项检验，刚过线）', 'z (binomial, just above the pass line)'],
  'z (beta-binomial, stamped applications)': ['z值（β二项，雷同申报）', 'z (beta-binomial, stamped applications)'],
  'z (current vs history)': ['z值（本期与历史）', 'z (current vs history)'],
}

export function useAuditText() {
  const { t, te, locale } = useI18n()
  const { label, pick, number } = useFormat()
  const en = () => locale.value === 'en'

  const signal = (code: string) => label('signals', code)
  const feature = (code: string) => label('features', code)
  const statistic = (name: string | null | undefined) => {
    if (!name) return t('flags.statistic')
    const hit = STATISTICS[name]
    return hit ? hit[en() ? 1 : 0] : name
  }
  /** A reason from the audit with detector feature codes replaced by their names. */
  function reason(zh: string, enText: string): string {
    return pick(zh, enText).replace(/\b[a-z]+(?:_[a-z0-9]+)+\b|\b(approved|unanimous|exceptional|margin|spread)\b/g, (code) =>
      te(`features.${code}`) ? t(`features.${code}`) : code,
    )
  }
  const evidenceKey = (key: string) => (te(`evidence.${key}`) ? t(`evidence.${key}`) : key)

  /** One evidence value in words: numbers rounded, pairs as ranges, checks as their messages. */
  function evidenceValue(key: string, value: unknown): string[] {
    if (value === null || value === undefined) return ['—']
    if (typeof value === 'boolean') return [value ? t('common.yes') : t('common.no')]
    if (typeof value === 'number') return [number(value, 3)]
    if (typeof value === 'string') {
      if (key === 'claimed') return [label('education', value)]
      if (key === 'kind') return [te(`evidence.kinds.${value}`) ? t(`evidence.kinds.${value}`) : value]
      if (key === 'scope') return [label('flagScopes', value)]
      return [value]
    }
    if (Array.isArray(value)) {
      if (key === 'top_features') {
        return value.map((pair) => {
          const [name, z] = pair as [string, number]
          return `${feature(name)}（z = ${number(z, 2)}）`
        })
      }
      if (value.every((v) => typeof v === 'number') && value.length === 2) {
        return [`${number(value[0] as number, 3)} – ${number(value[1] as number, 3)}`]
      }
      if (key === 'evidence') {
        // The detector's drivers: each feature's own value against its peers', named in words.
        const shown = (x: unknown): string => (typeof x === 'number' ? number(x, 2) : String(x ?? '—'))
        return value.map((v) => {
          const o = v as Record<string, unknown>
          return `${pick(o.label as string | undefined, o.label_en as string | undefined)}：${shown(o.value)}（${t('evidence.peerValue')} ${shown(o.peer_value)}）`
        })
      }
      if (key === 'conflicts') return [value.map((v) => label('conflictKinds', String(v))).join('、')]
      if (key === 'exceptional_unmet') return [value.map((v) => label('reqKinds', String(v))).join('、') || '—']
      return value.map((v) => {
        if (typeof v === 'object' && v !== null) {
          const o = v as Record<string, unknown>
          const mark = o.passed === undefined ? '' : o.passed ? '✓ ' : '✗ '
          const text = pick((o.message ?? o.rule) as string | undefined, (o.message_en ?? o.rule_en) as string | undefined)
          return mark + (text || Object.values(o).filter((x) => typeof x !== 'object').join(' · '))
        }
        return typeof v === 'number' ? number(v, 3) : String(v)
      })
    }
    const o = value as Record<string, unknown>
    return [pick(o.message as string | undefined, o.message_en as string | undefined) || Object.entries(o).map(([k, v]) => `${evidenceKey(k)}: ${String(v)}`).join('；')]
  }

  return { signal, feature, statistic, reason, evidenceKey, evidenceValue }
}
