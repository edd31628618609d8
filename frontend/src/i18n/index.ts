import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

export type Lang = 'zh-CN' | 'en'
export const LANGS: Lang[] = ['zh-CN', 'en']
const LANG_KEY = 'nt-review.lang'

function initialLang(): Lang {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_KEY) : null
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const messages = { 'zh-CN': zhCN, en }

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

export function currentLang(): Lang {
  return i18n.global.locale.value as Lang
}

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang
  localStorage.setItem(LANG_KEY, lang)
  document.documentElement.lang = lang
}

/** Merge the service's label catalogue (both languages) into the messages. */
export function installCatalogue(trees: { 'zh-CN': Record<string, unknown>; en: Record<string, unknown> }): void {
  for (const lang of LANGS) i18n.global.mergeLocaleMessage(lang, trees[lang] as never)
}
