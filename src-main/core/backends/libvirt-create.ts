import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { msg, toErrorInfo, VireoError } from '../errors'
import { convertImage } from '../images/qemu-img'
import { parseSize } from '../images/size'
import { idOfUuid, uuidOfId } from '../libvirt/domain-state'
import { buildDomainXml, domainName } from '../libvirt/domain-xml'
import { createVolume, DEFAULT_POOL, defaultNetwork, deleteVolumes, poolPath, uploadVolume, volumeExists, volumePath, type VirshCall } from '../libvirt/libvirt-pool'
import { libvirtMessages as m } from '../libvirt/libvirt-messages'
import { inspectIso } from '../os/iso-inspection'
import { genericLinux } from '../os/os-catalog'
import type { CreateVmRequest } from '../requests'
import type { HostReport, JobProgress, VmPreview } from '../types'
import { CONFIG_VERSION, vmConfigSchema, type VmConfig } from '../vms/config'
import { checkFitsHost } from '../vms/vm-checks'

/**
 * Making a domain on a libvirt connection from the wizard's request (the same `createVm` as
 * for Vireo's own VMs): its definition drafted as a Vireo config, its XML from the pure builder
 * (domain-xml.ts), its disk a volume of the connection's `default` pool, its NIC on the
 * `default` network when that runs (else user networking). A failure before the domain is
 * defined deletes the volume: nothing half-made.
 */
export interface LibvirtSite {
  uri: string
  call: VirshCall
  host(): Promise<HostReport>
  /** Whether the connection's host is this computer (its ISO can be read here). */
  local: boolean
  /** This computer's accelerator by Vireo's probe (what `auto` uses for a local URI). */
  localAccel(): Promise<'kvm' | 'tcg'>
  progress(job: Omit<JobProgress, 'connection'>): void
}

interface Draft {
  uuid: string
  config: VmConfig
  diskBytes: number
  type: 'kvm' | 'qemu'
  pool: string
  volume: string
}

/** Whether libvirt already has a domain of this name. */
export async function domainNameTaken(site: LibvirtSite, name: string): Promise<boolean> {
  return site.call(['domuuid', domainName(name)]).then(
    () => true,
    () => false,
  )
}

async function draft(site: LibvirtSite, params: CreateVmRequest): Promise<Draft> {
  const uuid = params.id === undefined ? randomUUID() : uuidOfId(params.id)
  if (uuid === null) throw m.badCreateId()
  const host = await site.host()
  if (await domainNameTaken(site, params.name)) {
    throw new VireoError('ALREADY_EXISTS', msg('error.vm.nameTaken', { name: params.name }), msg('error.vm.nameTakenHint'), { field: 'name' })
  }
  const iso = params.source.kind === 'iso' && site.local ? await inspectIso(params.source.path) : null
  const rec = iso?.recommended ?? genericLinux
  const memoryMiB = params.memoryMiB ?? rec.memoryMiB
  const cpus = params.cpus ?? Math.min(rec.cpus, host.cpus)
  checkFitsHost(host, memoryMiB, cpus)
  const importing = params.source.kind === 'import'
  const format = importing ? 'qcow2' : params.diskFormat
  const config = vmConfigSchema.parse({
    version: CONFIG_VERSION,
    id: idOfUuid(uuid),
    name: params.name,
    ...(iso?.os ? { os: iso.os } : {}),
    memoryMiB,
    cpus,
    firmware: params.firmware ?? 'bios',
    accel: params.accel,
    disks: [{ file: `disk0.${format}`, format, bus: 'virtio' }],
    cdrom: params.source.kind === 'iso' ? (iso?.path ?? params.source.path) : null,
    bootOrder: ['disk', 'cdrom'],
    network: { mode: 'user', portForwards: [], model: 'virtio' },
    createdAt: new Date().toISOString(),
  } satisfies z.input<typeof vmConfigSchema>)
  const autoKvm = params.accel === 'auto' && host.accel === 'kvm' && (!site.local || (await site.localAccel()) === 'kvm')
  const type = params.accel === 'kvm' || autoKvm ? 'kvm' : 'qemu'
  const volume = `${domainName(params.name)}-disk0.${format}`
  return { uuid, config, diskBytes: parseSize(params.diskSize ?? `${Math.round(rec.diskGiB * 1024)}M`), type, pool: DEFAULT_POOL, volume }
}

/** What Create would define: the id (the domain's UUID) and where its disk goes. */
export async function previewOnLibvirt(site: LibvirtSite, params: CreateVmRequest): Promise<VmPreview> {
  const d = await draft(site, params)
  const path = await poolPath(site.call, site.uri, d.pool)
  return { id: d.config.id, argv: null, problems: [], diskPath: join(path, d.volume) }
}

/** Defines the domain (its volume made or uploaded first); returns its id. Does not start it. */
export async function createOnLibvirt(site: LibvirtSite, params: CreateVmRequest): Promise<string> {
  const d = await draft(site, params)
  await poolPath(site.call, site.uri, d.pool)
  if (await volumeExists(site.call, d.pool, d.volume)) throw m.volumeExists(site.uri, d.pool, d.volume)
  const made: string[] = []
  const temp = await mkdtemp(join(tmpdir(), 'vireo-libvirt-'))
  try {
    if (params.source.kind === 'import') {
      await uploadImport(site, params.source, join(temp, 'disk.qcow2'), d, made)
    } else {
      await createVolume(site.call, d.pool, d.volume, d.diskBytes, d.config.disks[0]!.format)
      made.push(await volumePath(site.call, d.pool, d.volume))
    }
    const xml = buildDomainXml(d.config, { type: d.type, uuid: d.uuid, diskPaths: made, network: await defaultNetwork(site.call) })
    const file = join(temp, 'domain.xml')
    await writeFile(file, xml)
    await site.call(['define', file])
  } catch (error) {
    await deleteVolumes(site.call, made)
    throw error
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  return d.config.id
}

/** An image from this computer, as qcow2, into a new volume (progress while converting). */
async function uploadImport(site: LibvirtSite, source: Extract<CreateVmRequest['source'], { kind: 'import' }>, local: string, d: Draft, made: string[]): Promise<void> {
  const jobId = `import-${randomUUID()}`
  const job = { kind: 'import' as const, subject: source.path, label: `Importing ${source.path}`, jobId }
  try {
    await convertImage({
      source: source.path,
      ...(source.format ? { sourceFormat: source.format } : {}),
      target: local,
      targetFormat: 'qcow2',
      onProgress: (percent) => site.progress({ ...job, percent: Math.round(percent * 0.9 * 10) / 10, done: false }),
    })
    site.progress({ ...job, percent: 90, done: false })
    await uploadVolume(site.call, d.pool, d.volume, local, (await stat(local)).size)
    made.push(await volumePath(site.call, d.pool, d.volume))
  } catch (error) {
    if (made.length === 0) await deleteVolumes(site.call, [join(await poolPath(site.call, site.uri, d.pool).catch(() => ''), d.volume)])
    site.progress({ ...job, percent: 0, done: true, error: toErrorInfo(error) })
    throw error
  }
  site.progress({ ...job, percent: 100, done: true })
}
