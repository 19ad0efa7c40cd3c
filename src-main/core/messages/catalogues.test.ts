import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { flattenCatalogue } from '../../../scripts/testing/catalogue-parity'
import { catalogueParityTests } from '../../../scripts/testing/catalogue-parity-tests'
import en from './en.json'
import zhCN from './zh-CN.json'

const srcMain = join(import.meta.dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name)
    if (d.isDirectory()) return d.name === 'testing' ? [] : sources(path)
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('the core’s message catalogues', () => {
  catalogueParityTests(en, zhCN)

  // The type (MessageKey) proves at compile time that every key the code says exists; this
  // proves the converse: each key is said somewhere in src-main, as a literal ('error.x') or
  // under a template prefix (`state.${state}`), so a catalogue holds no dead entries.
  it('hold no key that no code says', () => {
    const files = sources(srcMain)
    const text = files.map((f) => readFileSync(f, 'utf8')).join('\n')
    const prefixes = [...text.matchAll(/`([\w.-]+\.)\$\{/g)].map((m) => m[1] ?? '')
    const unused = [...flattenCatalogue(en).keys()].filter(
      (key) => !text.includes(`'${key}'`) && !prefixes.some((p) => key.startsWith(p) && !key.slice(p.length).includes('.')),
    )
    expect(unused, `searched ${files.length} files under ${relative(process.cwd(), srcMain)}`).toEqual([])
  })
})
