import { basename, isAbsolute } from 'node:path'
import { VireoError, msg } from '../errors'
import { browseRoots, findIsoFiles } from '../files/file-browser'
import type { IsoInspection } from '../types'
import { readIsoFiles } from './iso-files'
import { readIsoLabel } from './iso-label'
import { detectOs, genericLinux } from './os-catalog'

/** What an ISO is: its size, its volume label, the OS it installs and what that OS needs. */
export async function inspectIso(path: string): Promise<IsoInspection> {
  if (!isAbsolute(path)) {
    throw new VireoError('INVALID_INPUT', msg('error.iso.notAbsolute', { path }), msg('error.iso.notAbsoluteHint'), { field: 'path' })
  }
  const { label, sizeBytes } = await readIsoLabel(path)
  const os = detectOs(label, await readIsoFiles(path))
  const rec = os?.entry ?? genericLinux
  const hardware = 'hardware' in rec ? rec.hardware : undefined
  const driversIso = hardware?.virtioDriversIso === true ? await findDriversIso() : undefined
  return {
    path,
    sizeBytes,
    label,
    os: os ? { id: os.id, name: os.name } : null,
    recommended: {
      memoryMiB: rec.memoryMiB,
      cpus: rec.cpus,
      diskGiB: rec.diskGiB,
      firmware: rec.firmware,
      ...(hardware ? { hardware } : {}),
    },
    ...(driversIso !== undefined ? { driversIso } : {}),
  }
}

/**
 * A virtio-win drivers ISO (`virtio-win*.iso`, as Fedora and Red Hat ship it) in the ISO
 * folders from settings, for a Windows installer to load its virtio drivers from; the newest
 * name when there are several.
 */
export async function findDriversIso(roots: string[] = browseRoots()): Promise<string | null> {
  const drivers = (await findIsoFiles(roots, 500)).filter((p) => /^virtio-win.*\.iso$/i.test(basename(p)))
  return drivers.sort((a, b) => basename(b).localeCompare(basename(a), 'en', { numeric: true }))[0] ?? null
}

/** The ISOs found under the browsable folders, each inspected; those that cannot be read are left out. */
export async function listIsoCandidates(roots: string[] = browseRoots()): Promise<IsoInspection[]> {
  const files = await findIsoFiles(roots)
  const inspected = await Promise.all(files.map((path) => inspectIso(path).catch(() => null)))
  return inspected.filter((i): i is IsoInspection => i !== null)
}
