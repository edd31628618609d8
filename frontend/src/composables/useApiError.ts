/** Show the service's errors in the current language; attach field problems to form items. */
import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiError, toApiError } from '@/api/errors'
import { currentLang } from '@/i18n'

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : toApiError(0, null)
}

export function errorText(err: unknown): string {
  return asApiError(err).messageIn(currentLang())
}

export function notifyError(err: unknown): void {
  ElMessage.error({ message: errorText(err), grouping: true })
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

  /** Take an error apart; returns the general message (shown as a toast when no field matched). */
  function capture(err: unknown): string {
    clear()
    const apiError = asApiError(err)
    const fields = apiError.fieldErrors(currentLang())
    for (const [field, text] of Object.entries(fields)) {
      const key = prefix && field.startsWith(prefix) ? field.slice(prefix.length) : field
      errors[key] = text
    }
    message = apiError.messageIn(currentLang())
    // Some messages already spell out their details; only add what they do not say.
    const unsaid = Object.values(fields).filter((d) => !message.includes(d))
    ElMessage.error({
      message: unsaid.length ? `${message}：${unsaid.join('；')}` : message,
      grouping: true,
    })
    return message
  }

  return { errors, capture, clear, get message() { return message } }
}
