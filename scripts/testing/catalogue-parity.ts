/**
 * What makes two translation catalogues agree, for the UI's (src-renderer/src/i18n) and the
 * core's (src-main/core/messages): the same keys, the same `{{placeholders}}` under each key,
 * and no empty strings. Plural forms (`_one`, `_other`…) count as one key, as languages have
 * different numbers of them. Pure, so both catalogue tests share it.
 */

export type Tree = { [key: string]: string | Tree }

/** Every key as a dotted path, plural suffixes folded into the key, with its strings. */
export function flattenCatalogue(tree: Tree, prefix = ''): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (typeof value === 'string') {
      const base = path.replace(/_(zero|one|two|few|many|other)$/, '')
      out.set(base, [...(out.get(base) ?? []), value])
    } else {
      for (const [k, v] of flattenCatalogue(value, path)) out.set(k, [...(out.get(k) ?? []), ...v])
    }
  }
  return out
}

export function placeholders(values: string[]): string[] {
  return [...new Set(values.flatMap((v) => v.match(/\{\{\w+\}\}/g) ?? []))].sort()
}

/** Keys one catalogue has and the other lacks, each way. */
export function missingKeys(reference: Tree, other: Tree): { missing: string[]; extra: string[] } {
  const a = flattenCatalogue(reference)
  const b = flattenCatalogue(other)
  return {
    missing: [...a.keys()].filter((k) => !b.has(k)).sort(),
    extra: [...b.keys()].filter((k) => !a.has(k)).sort(),
  }
}

/** Keys with an empty (or blank) string. */
export function emptyKeys(tree: Tree): string[] {
  return [...flattenCatalogue(tree)].filter(([, values]) => values.some((v) => v.trim() === '')).map(([key]) => key)
}

/** Keys whose placeholders differ between the two catalogues, with both sets. */
export function placeholderMismatches(reference: Tree, other: Tree): string[] {
  const b = flattenCatalogue(other)
  const out: string[] = []
  for (const [key, values] of flattenCatalogue(reference)) {
    const mine = placeholders(values).join(' ')
    const theirs = placeholders(b.get(key) ?? []).join(' ')
    if (b.has(key) && mine !== theirs) out.push(`${key}: ${mine} ≠ ${theirs}`)
  }
  return out
}
