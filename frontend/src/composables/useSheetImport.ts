/** An all-or-nothing spreadsheet import: pick a file, upload it, and on refusal keep every
 * (row, column, rule) problem the server listed, for <ImportProblems> to show. */
import { ref } from 'vue'
import { asApiError, notifyError } from './useApiError'

export interface ImportProblem { row: number; column: string; column_en: string; rule: string; problem: string; problem_en: string }

export function useSheetImport<R>(send: (file: File) => Promise<R>, done: (receipt: R) => void | Promise<void>) {
  const problems = ref<ImportProblem[]>([])
  const problemCount = ref(0)
  const importing = ref(false)

  async function upload(file: File): Promise<void> {
    importing.value = true
    problems.value = []
    problemCount.value = 0
    try {
      await done(await send(file))
    } catch (err) {
      const body = asApiError(err).body
      if (Array.isArray(body.problems)) {
        problems.value = body.problems as ImportProblem[]
        problemCount.value = Number(body.problem_count ?? problems.value.length)
      }
      notifyError(err)
    } finally {
      importing.value = false
    }
  }

  function pick(): void {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = '.xlsx,.csv'
    input.onchange = async () => {
      const file = input.files?.[0]
      if (file) await upload(file)
    }
    input.click()
  }

  return { problems, problemCount, importing, upload, pick }
}
