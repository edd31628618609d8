/** Show the service's errors in the current language, with every reason it gave; attach field problems to form items. */
import { h, reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, reasonLines, toApiError } from '@/api/errors'
import { currentLang, i18n } from '@/i18n'

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : toApiError(0, null)
}

export function errorText(err: unknown): string {
  return asApiError(err).messageIn(currentLang())
}

/** A field's name from the `fields` messages, or undefined. */
export function fieldLabel(name: string): string | undefined {
  const key = `fields.${name}`
  return i18n.global.te(key) ? i18n.global.t(key) : undefined
}

/** The service's reasons (details) in words, in the user's language. */
export function errorReasons(err: unknown): string[] {
  return reasonLines(asApiError(err), currentLang(), fieldLabel)
}

/** A toast with the message and, below it, every reason not already in the message. */
export function showError(message: string, reasons: string[]): void {
  const extra = reasons.filter((r) => !message.includes(r))
  ElMessage.error({
    message: extra.length
      ? h('div', { 'data-test': 'error-message' }, [
          h('div', { style: 'font-weight:600' }, message),
          h('ul', { style: 'margin:6px 0 0;padding-left:18px' }, extra.map((r) => h('li', r))),
        ])
      : message,
    grouping: true,
    duration: extra.length ? 8000 : 3000,
    showClose: extra.length > 0,
  })
}

export function notifyError(err: unknown): void {
  showError(errorText(err), errorReasons(err))
}

/**
 * Field errors for one form: `errors[field]` feeds `<el-form-item :error>`.
 * `prefix` strips a body path prefix (`facts.`) so keys match the form's own fields.
 */
export function useFormErrors(prefix = '') {
  const errors = reactive<Record<string, string>>({})
  let message = ''

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
    message = ''
  }

  /** Take an error apart; returns the general message (the toast lists every reason, with its field). */
  function capture(err: unknown): string {
    clear()
    const apiError = asApiError(err)
    const fields = apiError.fieldErrors(currentLang())
    for (const [field, text] of Object.entries(fields)) {
      const key = prefix && field.startsWith(prefix) ? field.slice(prefix.length) : field
      errors[key] = text
    }
    message = apiError.messageIn(currentLang())
    showError(message, errorReasons(apiError))
    return message
  }

  return { errors, capture, clear, get message() { return message } }
}
