import { describe, expect, it } from 'vitest'
import { emptyKeys, missingKeys, placeholderMismatches } from '../../../scripts/testing/catalogue-parity'
import en from './en.json'
import zhCN from './zh-CN.json'

describe('translation catalogues', () => {
  it('have the same keys in English and Chinese', () => {
    expect(missingKeys(en, zhCN)).toEqual({ missing: [], extra: [] })
  })

  it.each(Object.entries({ en, 'zh-CN': zhCN }))('%s has no empty strings', (_, catalogue) => {
    expect(emptyKeys(catalogue)).toEqual([])
  })

  it('use the same placeholders in both languages', () => {
    expect(placeholderMismatches(en, zhCN)).toEqual([])
  })
})
