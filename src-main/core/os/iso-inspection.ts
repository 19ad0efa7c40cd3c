import { isAbsolute } from 'node:path'
import { VireoError, msg } from '../errors'
import { browseRoots, findIsoFiles } from '../files/file-browser'
import type { IsoInspection } from '../types'
import { readIsoLabel } from './iso-label'
import { detectOs, genericLinux } from './os-catalog'

/** What an ISO is: its size, its volume label, the OS it installs and what that OS needs. */
export async function inspectIso(path: string): Promise<IsoInspection> {
  if (!isAbsolute(path)) {
    throw new VireoError('INVALID_INPUT', msg('error.iso.notAbsolute', { path }), msg('error.iso.notAbsoluteHint'), { field: 'path' })
  }
  const { label, sizeBytes } = await readIsoLabel(path)
  const os = detectOs(label)
  const rec = os?.entry ?? genericLinux
  return {
    path,
    sizeBytes,
    label,
    os: os ? { id: os.id, name: os.name } : null,
    recommended: { memoryMiB: rec.memoryMiB, cpus: rec.cpus, diskGiB: rec.diskGiB, firmware: rec.firmware },
  }
}

/** The ISOs found under the browsable folders, each inspected; those that cannot be read are left out. */
export async function listIsoCandidates(roots: string[] = browseRoots()): Promise<IsoInspection[]> {
  const files = await findIsoFiles(roots)
  const inspected = await Promise.all(files.map((path) => inspectIso(path).catch(() => null)))
  return inspected.filter((i): i is IsoInspection => i !== null)
}
