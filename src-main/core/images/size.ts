import { VireoError, msg, type Message } from '../errors'

/**
 * Sizes as people type them: `20G`, `20GiB`, `512M`, `1.5T`, `1073741824`. Units are binary,
 * as in qemu-img (G = GiB = 1024³ bytes), whether written `G`, `GB` or `GiB`, in any case.
 */

export const KiB = 1024
export const MiB = 1024 ** 2
export const GiB = 1024 ** 3
export const TiB = 1024 ** 4
/** The largest disk Vireo makes or grows to. */
export const MAX_DISK_BYTES = 64 * TiB

const unitPowers = ['', 'k', 'm', 'g', 't', 'p', 'e', 'z', 'y']

const HINT = msg('error.size.hint')

export interface SizeLimits {
  /** Smallest accepted size in bytes; 1 if unset. */
  min?: number
  /** Largest accepted size in bytes; MAX_DISK_BYTES if unset. */
  max?: number
}

/**
 * Bytes for a size such as `10G`. A fractional result (`0.1G`) is rounded to whole MiB.
 * Throws INVALID_INPUT, saying what is wrong, for zero, negative, unreadable or absurd sizes.
 */
export function parseSize(text: string, limits: SizeLimits = {}): number {
  const min = limits.min ?? 1
  const max = limits.max ?? MAX_DISK_BYTES
  const input = text.trim()
  const invalid = (message: Message, hint = HINT): VireoError =>
    new VireoError('INVALID_INPUT', message, hint, { value: text })

  if (input === '') throw invalid(msg('error.size.none'))
  if (input.startsWith('-')) throw invalid(msg('error.size.negative', { input }))
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgtpezy]?)(i?b)?$/i.exec(input)
  const unit = (m?.[2] ?? '').toLowerCase()
  if (m === null || (unit === '' && m[3] !== undefined && m[3].toLowerCase() !== 'b')) {
    throw invalid(msg('error.size.unreadable', { input }))
  }
  const power = unitPowers.indexOf(unit)
  const number = Number(m[1])
  let bytes = number * 1024 ** power
  if (!Number.isInteger(bytes)) bytes = Math.round(bytes / MiB) * MiB
  if (number === 0) throw invalid(msg('error.size.zero'))
  if (bytes > max) {
    throw invalid(
      msg('error.image.tooLarge', { size: input, max: formatSize(max) }),
      msg('error.image.tooLargeHint', { max: formatSize(max) }),
    )
  }
  if (bytes < min || bytes === 0) {
    throw invalid(
      msg('error.size.tooSmall', { size: input, min: formatSize(min) }),
      msg('error.size.tooSmallHint', { min: formatSize(min) }),
    )
  }
  return bytes
}

/** `10 GiB`, `1.5 GiB`, `512 MiB`, `900 B`: binary units, at most three significant digits. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']
  let value = Math.max(0, bytes)
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  const decimals = Number.isInteger(value) ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0
  const fixed = value.toFixed(decimals)
  const shown = decimals === 0 ? fixed : fixed.replace(/0+$/, '').replace(/\.$/, '')
  return `${shown} ${units[i]}`
}
