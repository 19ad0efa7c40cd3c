import { describe, expect, it } from 'vitest'
import { formatCommandLine, shellQuote } from './command-line'

describe('shellQuote', () => {
  it('leaves plain arguments alone', () => {
    expect(shellQuote('-machine')).toBe('-machine')
    expect(shellQuote('q35,accel=kvm')).toBe('q35,accel=kvm')
  })
  it('quotes spaces, quotes and empty strings', () => {
    expect(shellQuote('My VM')).toBe(`'My VM'`)
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`)
    expect(shellQuote('')).toBe(`''`)
    expect(shellQuote('虚拟机')).toBe(`'虚拟机'`)
  })
})

describe('formatCommandLine', () => {
  it('puts each option with its values on its own line', () => {
    expect(formatCommandLine(['qemu-system-x86_64', '-m', '2048', '-name', 'a b', '-S'])).toBe(
      `qemu-system-x86_64 \\\n  -m 2048 \\\n  -name 'a b' \\\n  -S`,
    )
  })
})
