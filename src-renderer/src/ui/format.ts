/** Sizes and numbers as people read them, in the UI's language. */

const KiB = 1024
const MiB = KiB * 1024
const GiB = MiB * 1024
const TiB = GiB * 1024

export function formatBytes(bytes: number, language: string): string {
  const number = (value: number) =>
    new Intl.NumberFormat(language, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)
  if (bytes >= TiB) return `${number(bytes / TiB)} TiB`
  if (bytes >= GiB) return `${number(bytes / GiB)} GiB`
  if (bytes >= MiB) return `${number(bytes / MiB)} MiB`
  if (bytes >= KiB) return `${number(bytes / KiB)} KiB`
  return `${Math.round(bytes)} B`
}

export function formatMiB(mib: number, language: string): string {
  return formatBytes(mib * MiB, language)
}

/** A disk size for the API (`20G`, `256M`) from GiB, which may be fractional. */
export function gibToSize(gib: number): string {
  if (Number.isInteger(gib)) return `${gib}G`
  return `${Math.round(gib * 1024)}M`
}

export function bytesToGib(bytes: number): number {
  return Math.round((bytes / GiB) * 100) / 100
}

/** The last part of a path (`/isos/debian.iso` → `debian.iso`). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean)
  return parts[parts.length - 1] ?? path
}

export function formatPercent(value: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(
    value / 100,
  )
}
