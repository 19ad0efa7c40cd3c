import { describe, expect, it } from 'vitest'
import { baseName, formatBytes, formatMiB, gibToSize } from './format'

describe('sizes', () => {
  it('reads in binary units', () => {
    expect(formatBytes(512, 'en')).toBe('512 B')
    expect(formatMiB(512, 'en')).toBe('512 MiB')
    expect(formatMiB(2048, 'en')).toBe('2 GiB')
    expect(formatMiB(1536, 'en')).toBe('1.5 GiB')
    expect(formatBytes(20 * 1024 ** 3, 'en')).toBe('20 GiB')
  })
  it('writes API disk sizes, fractional GiB as MiB', () => {
    expect(gibToSize(20)).toBe('20G')
    expect(gibToSize(0.25)).toBe('256M')
  })
  it('takes the last part of a path', () => {
    expect(baseName('/isos/debian-12.iso')).toBe('debian-12.iso')
    expect(baseName('debian.iso')).toBe('debian.iso')
  })
})
