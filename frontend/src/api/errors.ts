/** The service's one error body, `{"error": {code, message, message_en, details}}`, as a thrown error. */

export interface FieldProblem {
  field: string
  problem: string
  problem_en?: string
}

export interface ErrorBody {
  code: string
  message: string
  message_en: string
  details: FieldProblem[]
  [extra: string]: unknown
}

export type Lang = 'zh-CN' | 'en'

export class ApiError extends Error {
  readonly status: number
  readonly body: ErrorBody

  constructor(status: number, body: ErrorBody) {
    super(body.message_en || body.message)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }

  get code(): string {
    return this.body.code
  }

  /** The message in the user's language (falls back to the other one). */
  messageIn(lang: Lang): string {
    return lang === 'en' ? this.body.message_en || this.body.message : this.body.message || this.body.message_en
  }

  /** Field problems keyed by field path (`facts.education`, `credit_code`), in the user's language. */
  fieldErrors(lang: Lang): Record<string, string> {
    const out: Record<string, string> = {}
    for (const d of this.body.details ?? []) {
      const text = lang === 'en' ? d.problem_en || d.problem : d.problem
      out[d.field] = out[d.field] ? `${out[d.field]}; ${text}` : text
    }
    return out
  }
}

function isErrorEnvelope(value: unknown): value is { error: ErrorBody } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'error' in value &&
    typeof (value as { error: unknown }).error === 'object'
  )
}

/** Builds an ApiError from whatever came back (a proper envelope, or anything else). */
export function toApiError(status: number, payload: unknown): ApiError {
  if (isErrorEnvelope(payload)) {
    const e = payload.error
    return new ApiError(status, { ...e, details: Array.isArray(e.details) ? e.details : [] })
  }
  return new ApiError(status, {
    code: status === 0 ? 'network' : 'unexpected',
    message: status === 0 ? '无法连接服务器，请检查网络' : `服务器返回了意外的响应（${status}）`,
    message_en: status === 0 ? 'cannot reach the server' : `unexpected response from the server (${status})`,
    details: [],
  })
}

/**
 * A field path from the service (`document.criteria[0].weight`) in words, one segment at a time:
 * `label(name)` names a segment (undefined when unknown: the name is kept), indices count from 1.
 */
export function fieldInWords(field: string, label: (name: string) => string | undefined): string {
  const parts = field
    .replace(/^(body|document|query|path)\./, '')
    .split('.')
    .filter(Boolean)
  return parts
    .map((part) => {
      const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part)
      if (!m) return part
      const name = label(m[1]!) ?? m[1]!
      const indices = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((i) => ` #${Number(i[1]) + 1}`).join('')
      return name + indices
    })
    .join(' · ')
}

/** The reasons the service gave, each with the field it concerns in words. */
export function reasonLines(error: ApiError, lang: Lang, label: (name: string) => string | undefined): string[] {
  return (error.body.details ?? []).map((d) => {
    const text = lang === 'en' ? d.problem_en || d.problem : d.problem || d.problem_en || ''
    if (!d.field) return text
    const where = fieldInWords(d.field, label)
    return where ? `${where}${lang === 'en' ? ': ' : '：'}${text}` : text
  })
}
