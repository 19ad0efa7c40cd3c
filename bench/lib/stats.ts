/** A series of measurements of one quantity, with the figures the report prints. */
export interface Series {
  values: number[]
  median: number
  min: number
  max: number
}

export function series(values: number[]): Series {
  if (values.length === 0) return { values, median: Number.NaN, min: Number.NaN, max: Number.NaN }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { values, median, min: sorted[0]!, max: sorted.at(-1)! }
}

/** `median (min–max)`, each with `digits` decimals, then the unit. */
export function formatSeries(s: Series, unit: string, digits = 0): string {
  if (s.values.length === 0) return 'n/a'
  const f = (n: number) => n.toFixed(digits)
  const range = s.values.length > 1 ? ` (${f(s.min)}–${f(s.max)})` : ''
  return `${f(s.median)}${range} ${unit}`.trim()
}

export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export function now(): number {
  return performance.now()
}
