/**
 * One spreadsheet import: pick a file, send it, and on refusal keep the service's
 * (row, column, rule) problems for `ImportProblems` (the roster and the registry extracts).
 */
import { ref, shallowRef } from 'vue'
import { asApiError, errorText, notifyError, showError } from './useApiError'

export interface ImportProblem {
  row: number
  column: string
  column_en: string
  rule: string
  problem: string
  problem_en: string
}

/** The problems a refusal carries (`problems`, `problem_count`), or none. */
export function problemsOf(err: unknown): { problems: ImportProblem[]; count: number } {
  const body = asApiError(err).body
  if (!Array.isArray(body.problems)) return { problems: [], count: 0 }
  const problems = body.problems as ImportProblem[]
  return { problems, count: Number(body.problem_count ?? problems.length) }
}

/** Open the browser's file chooser for a spreadsheet; resolves with the file chosen. */
export function chooseSpreadsheet(onChosen: (file: File) => unknown): void {
  const input = document.createElement('input')
  input.type = 'file'
  input.accept = '.xlsx,.csv'
  input.onchange = () => {
    const file = input.files?.[0]
    if (file) void onChosen(file)
  }
  input.click()
}

export function useSpreadsheetImport<T>(send: (file: File) => Promise<T>, imported: (receipt: T) => unknown) {
  const problems = shallowRef<ImportProblem[]>([])
  const problemCount = ref(0)
  const importing = ref(false)

  async function upload(file: File): Promise<boolean> {
    importing.value = true
    problems.value = []
    problemCount.value = 0
    try {
      await imported(await send(file))
      return true
    } catch (err) {
      const found = problemsOf(err)
      problems.value = found.problems
      problemCount.value = found.count
      // The table lists every problem by row and column; the toast only says the file was refused.
      if (found.problems.length) showError(errorText(err), [])
      else notifyError(err)
      return false
    } finally {
      importing.value = false
    }
  }

  return { problems, problemCount, importing, upload, pick: () => chooseSpreadsheet(upload) }
}
