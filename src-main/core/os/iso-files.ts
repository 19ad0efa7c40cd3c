import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

/**
 * What an ISO holds near its root, read with xorriso (its ISO 9660 / Joliet / Rock Ridge tree,
 * no mounting): the file names two levels deep, lower-cased, and the text of the few small
 * files that tell installers apart (Windows' sources/idwbinfo.txt and sources/ei.cfg).
 * Best effort: without xorriso, or for an image it cannot read, the answer is empty and the
 * volume label alone decides.
 */
export interface IsoFiles {
  names: Set<string>
  texts: Map<string, string>
}

/** The small files whose text is read when present (paths lower-cased, from the root). */
const TEXT_FILES = ['/sources/idwbinfo.txt', '/sources/ei.cfg']
const TIMEOUT_MS = 15_000

export async function readIsoFiles(path: string): Promise<IsoFiles> {
  const empty: IsoFiles = { names: new Set(), texts: new Map() }
  // A leading dash would read as an option: xorriso is given the absolute path only.
  if (!path.startsWith('/')) return empty
  const listing = await execa('xorriso', ['-indev', path, '-find', '/', '-maxdepth', '2', '-type', 'f', '--'], {
    reject: false,
    timeout: TIMEOUT_MS,
    stdin: 'ignore',
  })
  if (listing.exitCode !== 0 || typeof listing.stdout !== 'string') return empty
  // Each name is quoted: '/sources/install.wim'; the real case is kept for extraction.
  const real = new Map<string, string>()
  for (const line of listing.stdout.split('\n')) {
    const m = /^'(.*)'$/.exec(line.trim())
    if (m?.[1]) real.set(m[1].toLowerCase(), m[1].replace(/'"'"'/g, "'"))
  }
  const files: IsoFiles = { names: new Set(real.keys()), texts: new Map() }
  const wanted = TEXT_FILES.filter((f) => real.has(f))
  if (wanted.length === 0) return files
  const dir = await mkdtemp(join(tmpdir(), 'vireo-iso-files-'))
  try {
    for (const [index, file] of wanted.entries()) {
      const out = join(dir, String(index))
      const extracted = await execa('xorriso', ['-indev', path, '-osirrox', 'on', '-extract', real.get(file)!, out], {
        reject: false,
        timeout: TIMEOUT_MS,
        stdin: 'ignore',
      })
      if (extracted.exitCode !== 0) continue
      const bytes = await readFile(out).catch(() => null)
      // These files are a few hundred bytes; anything large is not what it claims to be.
      if (bytes !== null && bytes.length <= 64 * 1024) files.texts.set(file, decodeText(bytes))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return files
}

/** idwbinfo.txt and ei.cfg are ANSI or UTF-16LE (with a byte-order mark). */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2)
  return bytes.toString('latin1')
}
