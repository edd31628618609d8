/**
 * The service's errors of one row of a document list (`document.rules[3].to_level`), less those
 * of the `shown` fields (already beside their field).
 */
export function rowErrors(errors: Record<string, string>, list: string, index: number, shown: readonly string[] = []): string[] {
  const heads = [`document.${list}[${index}]`, `${list}[${index}]`]
  return Object.entries(errors)
    .filter(([field]) => heads.some((h) => field === h || field.startsWith(`${h}.`)))
    .filter(([field]) => !shown.some((key) => heads.some((h) => field === `${h}.${key}`)))
    .map(([field, text]) => {
      const rest = field.slice(field.indexOf(']') + 1).replace(/^\./, '')
      return rest ? `${rest}: ${text}` : text
    })
}

/** A row's error for one of its fields, or undefined. */
export function fieldError(errors: Record<string, string> | undefined, list: string, index: number, key: string): string | undefined {
  return errors?.[`document.${list}[${index}].${key}`] ?? errors?.[`${list}[${index}].${key}`]
}
