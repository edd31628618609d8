/** Dates, levels and other codes shown in the user's language. */
import { useI18n } from 'vue-i18n'

export function useFormat() {
  const { t, te, locale } = useI18n()

  function intlLocale(): string {
    return locale.value === 'en' ? 'en-GB' : 'zh-CN'
  }

  function date(value: string | null | undefined): string {
    if (!value) return '—'
    const d = new Date(value.length === 10 ? `${value}T00:00:00` : value)
    if (Number.isNaN(d.getTime())) return value
    return new Intl.DateTimeFormat(intlLocale(), { year: 'numeric', month: 'long', day: 'numeric' }).format(d)
  }

  function dateTime(value: string | null | undefined): string {
    if (!value) return '—'
    const d = new Date(value)
    if (Number.isNaN(d.getTime())) return value
    return new Intl.DateTimeFormat(intlLocale(), {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(d)
  }

  /** A code translated under `group` when the messages know it, else the code itself. */
  function label(group: string, code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return '—'
    const key = `${group}.${code}`
    return te(key) ? t(key) : code
  }

  function level(track: string | null | undefined, code: string | null | undefined): string {
    return label(`levels.${track ?? 'title'}`, code)
  }

  function series(code: string | null | undefined): string {
    return label('series', code)
  }

  /** Pick the language's variant of a bilingual pair from the API (`message` / `message_en`). */
  function pick(zh: string | null | undefined, en: string | null | undefined): string {
    return (locale.value === 'en' ? en || zh : zh || en) ?? ''
  }

  function number(value: number | null | undefined, digits = 2): string {
    if (value === null || value === undefined) return '—'
    return Number.isInteger(value) ? String(value) : value.toFixed(digits)
  }

  function percent(value: number | null | undefined): string {
    if (value === null || value === undefined) return '—'
    return `${(value * 100).toFixed(1)}%`
  }

  return { date, dateTime, label, level, series, pick, number, percent, t }
}
