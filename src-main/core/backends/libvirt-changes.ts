import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { msg, VireoError } from '../errors'
import { idOfUuid } from '../libvirt/domain-state'
import { cloneDomainXml, domainName, withResources } from '../libvirt/domain-xml'
import { parseDomainXml, type ParsedDomain } from '../libvirt/domain-parse'
import { cloneVolume, deleteVolumes, volumeExists, volumePath, type VirshCall } from '../libvirt/libvirt-pool'
import { libvirtMessages as m } from '../libvirt/libvirt-messages'
import type { VmChanges } from '../requests'
import { domainNameTaken, type LibvirtSite } from './libvirt-create'

/**
 * Changing a stopped libvirt domain: its memory and vCPUs (its XML rewritten by the pure
 * `withResources`, then `virsh define`), its CD (`virsh change-media`, live or not), and a full
 * copy under a new name (its disks copied by `vol-clone` in their pools, `cloneDomainXml`).
 */

/** Defines `xml` (written to a private temporary file: virsh reads it here, also for a remote host). */
export async function defineXml(call: VirshCall, xml: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vireo-define-'))
  try {
    await writeFile(join(dir, 'domain.xml'), xml)
    await call(['define', join(dir, 'domain.xml')])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Memory and vCPUs of a stopped domain; the other settings are virt-manager's business here. */
export async function updateOnLibvirt(call: VirshCall, uuid: string, stopped: boolean, changes: VmChanges): Promise<void> {
  const other = Object.entries(changes).filter(([key, value]) => value !== undefined && key !== 'memoryMiB' && key !== 'cpus')
  if (other.length > 0) throw m.onlyResources(other.map(([key]) => key).join(', '))
  if (changes.memoryMiB === undefined && changes.cpus === undefined) return
  if (!stopped) throw m.shutDownFirst('settings')
  const xml = await call(['dumpxml', '--inactive', '--security-info', uuid])
  await defineXml(call, withResources(xml, changes))
}

/** Puts `path` in the domain's first CD drive, or empties it (null); live when it runs. */
export async function changeMedia(call: VirshCall, uuid: string, parsed: ParsedDomain, running: boolean, path: string | null): Promise<void> {
  if (!parsed.hasCdromDrive) throw m.noCdDrive()
  const xml = await call(['dumpxml', '--inactive', uuid])
  const target = /<disk\b[^>]*device=['"]cdrom['"][^]*?<target dev=['"]([^'"]+)['"]/.exec(xml)?.[1]
  if (target === undefined) throw m.noCdDrive()
  const where = running ? ['--live', '--config'] : ['--config']
  if (path === null) {
    if (parsed.cdrom === null) return
    await call(['change-media', uuid, target, '--eject', '--force', ...where])
  } else {
    await call(['change-media', uuid, target, path, parsed.cdrom === null ? '--insert' : '--update', '--force', ...where])
  }
}

/**
 * A full copy of a stopped domain under a new name, new UUID and new MAC addresses: each disk,
 * a volume of some pool, copied by `vol-clone` beside it. A copy that fails deletes the copies
 * made: no half-made domain, no orphan volume. Returns the new id.
 */
export async function cloneOnLibvirt(site: LibvirtSite, uuid: string, name: string): Promise<string> {
  const { call } = site
  if (await domainNameTaken(site, name)) {
    throw new VireoError('ALREADY_EXISTS', msg('error.vm.nameTaken', { name }), msg('error.vm.nameTakenHint'), { field: 'name' })
  }
  const xml = await call(['dumpxml', '--inactive', '--security-info', uuid])
  const parsed = parseDomainXml(xml)
  const newUuid = randomUUID()
  const made: string[] = []
  const paths = new Map<string, string>()
  try {
    for (const [index, disk] of parsed.disks.entries()) {
      const pool = (await call(['vol-pool', disk.path]).catch(() => '')).trim()
      if (pool === '') throw m.diskNotInPool(disk.path)
      const volume = `${domainName(name)}-disk${index}${extname(disk.path)}`
      if (await volumeExists(call, pool, volume)) throw m.volumeExists(site.uri, pool, volume)
      await cloneVolume(call, pool, disk.path, volume)
      const path = await volumePath(call, pool, volume)
      made.push(path)
      paths.set(disk.path, path)
    }
    await defineXml(call, cloneDomainXml(xml, { name, uuid: newUuid, title: name, diskPaths: paths }))
  } catch (error) {
    await deleteVolumes(call, made)
    throw error
  }
  return idOfUuid(newUuid)
}
