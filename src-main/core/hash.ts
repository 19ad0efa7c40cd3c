/** FNV-1a over a string's code points: a small, stable, non-cryptographic 32-bit hash. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (const ch of text) {
    h ^= ch.codePointAt(0) ?? 0
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}
