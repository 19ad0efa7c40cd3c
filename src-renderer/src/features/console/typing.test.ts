import { describe, expect, it } from 'vitest'
import { keysFor, typeText } from './typing'

describe('keysFor (US layout)', () => {
  it('types letters on their keys, capitals with Shift', () => {
    expect(keysFor('a')).toEqual({ stroke: { keysym: 0x61, code: 'KeyA' }, shift: false })
    expect(keysFor('Z')).toEqual({ stroke: { keysym: 0x5a, code: 'KeyZ' }, shift: true })
  })
  it('types digits and punctuation, shifted ones with Shift', () => {
    expect(keysFor('7')).toMatchObject({ stroke: { code: 'Digit7' }, shift: false })
    expect(keysFor('&')).toMatchObject({ stroke: { code: 'Digit7' }, shift: true })
    expect(keysFor('>')).toMatchObject({ stroke: { code: 'Period' }, shift: true })
    expect(keysFor('"')).toMatchObject({ stroke: { code: 'Quote' }, shift: true })
    expect(keysFor('|')).toMatchObject({ stroke: { code: 'Backslash' }, shift: true })
    expect(keysFor('~')).toMatchObject({ stroke: { code: 'Backquote' }, shift: true })
  })
  it('turns a newline into Enter', () => {
    expect(keysFor('\n')).toMatchObject({ stroke: { code: 'Enter' } })
  })
  it('sends other characters as Unicode keysyms', () => {
    expect(keysFor('é')).toEqual({ stroke: { keysym: 0xe9, code: null }, shift: false })
    expect(keysFor('中')).toEqual({ stroke: { keysym: 0x01004e2d, code: null }, shift: false })
  })
})

describe('typeText', () => {
  it('presses and releases each key, Shift around capitals', async () => {
    const sent: string[] = []
    const sender = {
      sendKey: (_keysym: number, code: string | null, down?: boolean) =>
        sent.push(`${code ?? '?'}${down === true ? '↓' : '↑'}`),
    }
    await typeText(sender, 'aB\r\n', { delayMs: 0 })
    expect(sent).toEqual([
      'KeyA↓',
      'KeyA↑',
      'ShiftLeft↓',
      'KeyB↓',
      'KeyB↑',
      'ShiftLeft↑',
      'Enter↓',
      'Enter↑',
    ])
  })
})
