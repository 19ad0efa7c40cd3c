import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { msg, toErrorInfo, VireoError } from '../errors'
import { parseDomainXml } from '../libvirt/domain-parse'
import { withDiskPaths } from '../libvirt/domain-xml'
import { DEFAULT_POOL, deleteVolumes, poolPath, uploadVolume, volumeExists, volumePath } from '../libvirt/libvirt-pool'
import { libvirtMessages as m } from '../libvirt/libvirt-messages'
import { defineXml } from './libvirt-changes'
import { domainNameTaken, type LibvirtSite } from './libvirt-create'

/**
 * Moving a stopped domain from one libvirt connection to another, with its storage (an offline
 * migration: libvirt's own live migration needs the two hosts to reach each other, which
 * Vireo cannot assume). Each disk is downloaded from the source (`vol-download`, into a
 * private temporary folder here) and uploaded into the target's default pool; the same XML,
 * its disk paths changed, is defined there; only then is the source undefined and its volumes
 * deleted. Anything that fails before that (the link cut, the target's disk full) deletes what
 * was made on the target: the VM stays whole on the source, nothing half-defined on the target.
 */
export async function migrateOffline(from: LibvirtSite, to: LibvirtSite, uuid: string): Promise<void> {
  const xml = await from.call(['dumpxml', '--inactive', '--security-info', uuid])
  const parsed = parseDomainXml(xml)
  if (await to.call(['domname', uuid]).then(() => true, () => false)) throw m.alreadyOnTarget(parsed.name, to.uri)
  if (await domainNameTaken(to, parsed.name)) {
    throw new VireoError('ALREADY_EXISTS', msg('error.vm.nameTaken', { name: parsed.name }), msg('error.vm.nameTakenHint'), { field: 'toConnection' })
  }
  await poolPath(to.call, to.uri, DEFAULT_POOL)
  const volumes = parsed.disks.map((disk) => basename(disk.path))
  for (const volume of volumes) if (await volumeExists(to.call, DEFAULT_POOL, volume)) throw m.volumeExists(to.uri, DEFAULT_POOL, volume)

  const job = { kind: 'migrate' as const, subject: parsed.uuid, label: `Moving “${parsed.name}” to ${to.uri}`, jobId: `migrate-${randomUUID()}` }
  const tell = (percent: number, extra: { done?: boolean; error?: ReturnType<typeof toErrorInfo> } = {}) => from.progress({ ...job, percent: Math.round(percent), done: false, ...extra })
  const made: string[] = []
  const paths = new Map<string, string>()
  const temp = await mkdtemp(join(tmpdir(), 'vireo-migrate-'))
  try {
    tell(0)
    for (const [index, disk] of parsed.disks.entries()) {
      const local = join(temp, `disk${index}`)
      await from.call(['vol-download', disk.path, local], 6 * 60 * 60 * 1000)
      tell(((index + 0.5) * 100) / Math.max(1, volumes.length))
      const volume = volumes[index]!
      try {
        await uploadVolume(to.call, DEFAULT_POOL, volume, local, (await stat(local)).size)
      } catch (error) {
        // the volume may be made, half filled: it goes too
        made.push(join(await poolPath(to.call, to.uri, DEFAULT_POOL).catch(() => ''), volume))
        throw error
      }
      const path = await volumePath(to.call, DEFAULT_POOL, volume)
      made.push(path)
      paths.set(disk.path, path)
      await rm(local, { force: true })
      tell(((index + 1) * 100) / Math.max(1, volumes.length))
    }
    await defineXml(to.call, withDiskPaths(xml, paths))
  } catch (error) {
    await deleteVolumes(to.call, made)
    tell(0, { done: true, error: toErrorInfo(error) })
    throw error
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  try {
    await from.call(['undefine', uuid, '--nvram', '--managed-save', '--snapshots-metadata'])
  } catch (error) {
    // Not both: the copy on the target goes, the source stays as it was.
    await to.call(['undefine', uuid, '--nvram']).catch(() => undefined)
    await deleteVolumes(to.call, made)
    tell(0, { done: true, error: toErrorInfo(error) })
    throw error
  }
  await deleteVolumes(from.call, parsed.disks.map((d) => d.path))
  tell(100, { done: true })
}
