/** Ask for the reason a state change needs (the API checks its length too). */
import { ElMessageBox } from 'element-plus'
import { i18n } from '@/i18n'

export async function askReason(title: string, minLength = 2): Promise<string | null> {
  const t = i18n.global.t
  try {
    const { value } = await ElMessageBox.prompt(t('common.reasonPlaceholder'), title, {
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      inputType: 'textarea',
      inputValidator: (v: string) => (v && v.trim().length >= minLength ? true : t('common.reasonPlaceholder')),
    })
    return value.trim()
  } catch {
    return null
  }
}

export async function confirmAction(message: string, title: string): Promise<boolean> {
  const t = i18n.global.t
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}
