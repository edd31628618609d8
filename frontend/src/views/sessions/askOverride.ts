/** The confirmation of a move only overridable blockers stand in the way of: it lists them and
 * takes the reason the server logs with the move. */
import { h } from 'vue'
import { ElMessageBox } from 'element-plus'
import { currentLang, i18n } from '@/i18n'
import { overrideReasonOk, type StepBlocker } from './stepGate'

export async function askOverride(to: string, blockers: StepBlocker[]): Promise<string | null> {
  const t = i18n.global.t
  const en = currentLang() === 'en'
  const message = h('div', { 'data-test': 'override-dialog' }, [
    h('p', { style: 'margin:0 0 6px' }, t('stepper.overrideIntro', { to })),
    h('ul', { style: 'margin:0 0 8px;padding-left:18px' }, blockers.map((b) => h('li', en ? b.problem_en || b.problem : b.problem || b.problem_en))),
    h('p', { style: 'margin:0;color:var(--el-color-danger);font-weight:600' }, t('stepper.overrideLogged')),
  ])
  try {
    const { value } = await ElMessageBox.prompt(message, t('stepper.overrideTitle'), {
      confirmButtonText: t('stepper.overrideConfirm'),
      cancelButtonText: t('common.cancel'),
      type: 'warning',
      inputType: 'textarea',
      inputPlaceholder: t('stepper.overrideReason'),
      inputValidator: (v: string) => (overrideReasonOk(v ?? '') ? true : t('stepper.overrideReasonRule')),
    })
    return value.trim()
  } catch {
    return null
  }
}
