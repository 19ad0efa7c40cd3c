import { expect, it } from 'vitest'
import { emptyKeys, missingKeys, placeholderMismatches, type Tree } from './catalogue-parity'

/**
 * The parity cases every pair of catalogues must pass (the UI's and the core's), declared in
 * the caller's `describe`: the same keys, no empty strings, the same placeholders.
 */
export function catalogueParityTests(en: Tree, zhCN: Tree): void {
  it('have the same keys in English and Chinese', () => {
    expect(missingKeys(en, zhCN)).toEqual({ missing: [], extra: [] })
  })

  it.each(Object.entries({ en, 'zh-CN': zhCN }))('%s has no empty strings', (_, catalogue) => {
    expect(emptyKeys(catalogue)).toEqual([])
  })

  it('use the same placeholders in both languages', () => {
    expect(placeholderMismatches(en, zhCN)).toEqual([])
  })
}
