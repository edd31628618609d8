/** The four quality grades, their colours on every chart, and the bands of risk evidence
 * (weighted −log10 p) the server sends with its charts. */
export const GRADES = ['A', 'B', 'C', 'D'] as const
export type GradeCode = (typeof GRADES)[number]

export const GRADE_COLORS: Record<string, string> = { A: '#1a9b55', B: '#2f6fed', C: '#e0a400', D: '#d93f3f' }
/** The same colours, faint, for bands behind a line. */
export const GRADE_BANDS: Record<string, string> = {
  A: 'rgba(26,155,85,0.10)', B: 'rgba(47,111,237,0.10)', C: 'rgba(224,164,0,0.14)', D: 'rgba(217,63,63,0.12)',
}

export interface GradeBound { grade: string; lower: number; upper: number | null }

/** "A < 2", "2 ≤ B < 4", "D ≥ 6": a band as a regulator reads the cut-offs. */
export function boundText(b: GradeBound): string {
  if (b.lower <= 0 && b.upper !== null) return `${b.grade} < ${b.upper}`
  if (b.upper === null) return `${b.grade} ≥ ${b.lower}`
  return `${b.lower} ≤ ${b.grade} < ${b.upper}`
}

/** HTML-escape a name before it goes into a tooltip (tooltips render HTML). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
