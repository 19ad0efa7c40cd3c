import { describe, expect, it } from 'vitest'
import en from './en.json'
import zhCN from './zh-CN.json'

type Tree = { [key: string]: string | Tree }

/** Every key as a dotted path, plural suffixes (`_one`, `_other`…) folded into the key. */
function flatten(tree: Tree, prefix = ''): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof value === 'string') {
      const base = path.replace(/_(zero|one|two|few|many|other)$/, '')
      out.set(base, [...(out.get(base) ?? []), value])
    } else {
      for (const [k, v] of flatten(value, path)) out.set(k, [...(out.get(k) ?? []), ...v])
    }
  }
  return out
}

const catalogues = { en: flatten(en), 'zh-CN': flatten(zhCN) }

describe('translation catalogues', () => {
  it('have the same keys in English and Chinese', () => {
    expect([...catalogues['zh-CN'].keys()].sort()).toEqual([...catalogues.en.keys()].sort())
  })

  it.each(Object.entries(catalogues))('%s has no empty strings', (_, catalogue) => {
    const empty = [...catalogue].filter(([, values]) => values.some((v) => v.trim() === ''))
    expect(empty.map(([key]) => key)).toEqual([])
  })

  it('use the same placeholders in both languages', () => {
    const placeholders = (values: string[]) =>
      [...new Set(values.flatMap((v) => v.match(/\{\{\w+\}\}/g) ?? []))].sort()
    for (const [key, values] of catalogues.en) {
      expect(placeholders(catalogues['zh-CN'].get(key) ?? []), key).toEqual(placeholders(values))
    }
  })
})
