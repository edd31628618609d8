import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import zhCN from '@/i18n/zh-CN'
import { MESSAGE_GROUP } from '@/api/catalogue'

// Names of codes come from the service's catalogue, not the message files.
const served = new Set(Object.values(MESSAGE_GROUP))
const fromCatalogue = (key: string) => [...served].some((g) => key.startsWith(`${g}.`))

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f: string) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(vue|ts)$/.test(p) && !p.endsWith('.d.ts') ? [p] : []
  })
}

function has(obj: unknown, key: string): boolean {
  let cur = obj
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(part in cur)) return false
    cur = (cur as Record<string, unknown>)[part]
  }
  return typeof cur === 'string'
}

describe('source', () => {
  it("every literal key passed to t() is translated", () => {
    const missing: string[] = []
    for (const file of files(join(__dirname, '..', 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
        if (!has(zhCN, m[1]!) && !fromCatalogue(m[1]!)) missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })
})
