import { describe, expect, it } from 'vitest'
import { VireoError } from '../errors'
import { formatSize, GiB, KiB, MAX_DISK_BYTES, MiB, parseSize, TiB } from './size'

function refusal(text: string, limits?: { min?: number; max?: number }): VireoError {
  try {
    parseSize(text, limits)
  } catch (e) {
    if (e instanceof VireoError) return e
    throw e
  }
  throw new Error(`“${text}” was accepted`)
}

describe('parseSize', () => {
  it.each([
    ['10G', 10 * GiB],
    ['10GiB', 10 * GiB],
    ['10GB', 10 * GiB],
    ['10g', 10 * GiB],
    ['10 G', 10 * GiB],
    [' 20G ', 20 * GiB],
    ['512M', 512 * MiB],
    ['512MiB', 512 * MiB],
    ['64k', 64 * KiB],
    ['1.5G', 1536 * MiB],
    ['1T', TiB],
    ['.5G', 512 * MiB],
    ['1073741824', GiB],
    ['1000', 1000],
    ['1000B', 1000],
    ['64T', 64 * TiB],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it('rounds a fractional number of bytes to whole MiB', () => {
    expect(parseSize('0.1G')).toBe(102 * MiB) // 102.4 MiB
    expect(parseSize('1.1G')).toBe(1126 * MiB) // 1126.4 MiB
    expect(parseSize('2.5M')).toBe(2.5 * MiB) // already whole bytes: kept
  })

  it('refuses zero', () => {
    for (const text of ['0', '0G', '0.0M']) {
      const e = refusal(text)
      expect(e.code).toBe('INVALID_INPUT')
      expect(e.message).toMatch(/zero/)
    }
  })

  it('refuses a size that rounds to nothing', () => {
    expect(refusal('0.0000001G').message).toMatch(/too small/)
  })

  it('refuses negative sizes', () => {
    const e = refusal('-5G')
    expect(e.message).toBe('“-5G” is negative; a size must be more than zero.')
    expect(e.hint).toMatch(/20G/)
  })

  it.each(['abc', '', '   ', 'G', '10X', '10iB', '1,5G', '1e9', '10 G B', '0x10', '+5G', '5G5'])(
    'refuses %j as not a size',
    (text) => {
      const e = refusal(text)
      expect(e.code).toBe('INVALID_INPUT')
      expect(e.hint).toBeDefined()
    },
  )

  it('refuses absurd sizes with the limit in the message', () => {
    const e = refusal('10ZB')
    expect(e.message).toBe('10ZB is too large: the most is 64 TiB.')
    expect(refusal('65T').message).toMatch(/too large/)
    expect(refusal('1P').message).toMatch(/too large/)
    expect(refusal('99999999999999999999999').message).toMatch(/too large/)
    expect(parseSize('64T')).toBe(MAX_DISK_BYTES)
  })

  it('applies the limits it is given', () => {
    expect(refusal('512K', { min: MiB }).message).toBe('512K is too small: the least is 1 MiB.')
    expect(refusal('3G', { max: 2 * GiB }).message).toBe('3G is too large: the most is 2 GiB.')
  })
})

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [900, '900 B'],
    [1024, '1 KiB'],
    [512 * MiB, '512 MiB'],
    [10 * GiB, '10 GiB'],
    [1536 * MiB, '1.5 GiB'],
    [1.46 * GiB, '1.46 GiB'],
    [12.34 * GiB, '12.3 GiB'],
    [123.4 * GiB, '123 GiB'],
    [64 * TiB, '64 TiB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })
})
