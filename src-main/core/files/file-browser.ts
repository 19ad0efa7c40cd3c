import { readdir, realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve, sep } from 'node:path'
import { VireoError, msg } from '../errors'
import { readSettings, settingsFile } from '../settings'

export interface BrowseEntry {
  name: string
  path: string
  kind: 'dir' | 'file'
  sizeBytes: number
}

/**
 * A server-side file browser for choosing ISOs and disk images in web mode, limited to the
 * user's home and the configured ISO folders (`VIREO_ISO_DIRS`, colon-separated, else the
 * settings' `isoFolders`): a remote page cannot list the rest of the host.
 */
export function browseRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra =
    env.VIREO_ISO_DIRS !== undefined
      ? env.VIREO_ISO_DIRS.split(':').filter((d) => d !== '')
      : readSettings(settingsFile(env)).isoFolders
  return [...new Set([homedir(), ...extra].map((d) => resolve(d)))]
}

async function insideRoots(path: string, roots: string[]): Promise<string> {
  let real: string
  try {
    real = await realpath(path)
  } catch {
    throw new VireoError('FILE_MISSING', msg('error.files.missing', { path }), msg('error.files.chooseAnother'))
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => root)
    if (real === realRoot || real.startsWith(realRoot + sep)) return real
  }
  throw new VireoError(
    'INVALID_INPUT',
    msg('error.files.outside', { path }),
    msg('error.files.outsideHint', { roots: roots.join(' or ') }),
  )
}

const wanted = /\.(iso|img|qcow2|raw|vmdk|vdi)$/i

export async function browse(
  dir: string | undefined,
  roots: string[],
): Promise<{ dir: string; parent: string | null; roots: string[]; entries: BrowseEntry[] }> {
  const target = await insideRoots(dir ?? roots[0] ?? homedir(), roots)
  const names = await readdir(target, { withFileTypes: true }).catch(() => {
    throw new VireoError('INVALID_INPUT', msg('error.files.unlistable', { path: target }), msg('error.files.chooseAnother'))
  })
  const entries: BrowseEntry[] = []
  for (const d of names) {
    if (d.name.startsWith('.')) continue
    const path = join(target, d.name)
    const st = await stat(path).catch(() => null)
    if (st === null) continue
    if (st.isDirectory()) entries.push({ name: d.name, path, kind: 'dir', sizeBytes: 0 })
    else if (st.isFile() && wanted.test(d.name)) {
      entries.push({ name: d.name, path, kind: 'file', sizeBytes: st.size })
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
  const parent = dirname(target)
  const parentAllowed = await insideRoots(parent, roots).then(
    () => parent !== target,
    () => false,
  )
  return { dir: target, parent: parentAllowed ? parent : null, roots, entries }
}

/** ISO files in the usual places (home, Downloads, ISO folders), two levels deep at most. */
export async function findIsoFiles(roots: string[], limit = 50): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (found.length >= limit) return
    const names = await readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const d of names) {
      if (d.name.startsWith('.') || d.name === 'node_modules') continue
      const path = join(dir, d.name)
      if (d.isFile() && /\.iso$/i.test(d.name)) found.push(path)
      else if (d.isDirectory() && depth > 0) await walk(path, depth - 1)
      if (found.length >= limit) return
    }
  }
  for (const root of roots) await walk(root, 2)
  return found
}
