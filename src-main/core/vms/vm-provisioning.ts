import { randomUUID } from 'node:crypto'
import { readdir, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { toErrorInfo, VireoError, msg } from '../errors'
import type { HostService } from '../host/host-service'
import { convertImage, createImage, type ConvertImageOptions } from '../images/qemu-img'
import { parseSize } from '../images/size'
import { inspectIso } from '../os/iso-inspection'
import { genericLinux } from '../os/os-catalog'
import type { CloneVmRequest, CreateVmRequest, DeleteVmRequest } from '../requests'
import type { DeleteResult, JobProgress, VmDetails, VmPreview } from '../types'
import { CONFIG_VERSION, vmConfigSchema, type VmConfig } from './config'
import { copyVmState } from './vm-state-copy'
import { diskPath } from './qemu-args'
import { recordCopy } from './staging-owner'
import type { Supervisor } from './supervisor'
import { checkFitsHost, checkNameFree, stoppedConfig, unlessDeleted } from './vm-checks'
import { VmStore } from './vm-store'
import type { VmViews } from './vm-views'

export interface VmProvisioningOptions {
  store: VmStore
  supervisor: Supervisor
  host: HostService
  views: VmViews
  /** Tells listeners that VM `id` was made. */
  announce: (id: string) => Promise<void>
  /** Starts VM `id`, as the API's startVm does. */
  start: (id: string) => Promise<unknown>
  /** Tells listeners how far a copy has got (its connection added by the caller). */
  progress: (job: Omit<JobProgress, 'connection'>) => void
  /** Tells listeners that VM `id` is gone. */
  removed: (id: string) => void
}

/**
 * Making and unmaking VMs: a new one (its definition drafted from the request, the host and
 * its ISO; its disk made or imported), a clone, a deletion. What is made is made in a staging
 * folder, so a step that fails leaves nothing behind.
 */
export class VmProvisioning {
  constructor(private readonly o: VmProvisioningOptions) {}

  /** Validates a new VM's settings against the host and the other VMs; builds its definition. */
  private async draft(params: CreateVmRequest, id: string): Promise<{ config: VmConfig; diskBytes: number }> {
    const host = await this.o.host.check({ refresh: false })
    await checkNameFree(this.o.store, params.name)
    const iso = params.source.kind === 'iso' ? await inspectIso(params.source.path) : null
    const rec = iso?.recommended ?? genericLinux
    const memoryMiB = params.memoryMiB ?? rec.memoryMiB
    const cpus = params.cpus ?? Math.min(rec.cpus, host.cpus)
    checkFitsHost(host, memoryMiB, cpus)
    const firmware = params.firmware ?? (rec.firmware === 'uefi' && host.firmware.uefi ? 'uefi' : 'bios')
    const diskBytes = parseSize(params.diskSize ?? `${Math.round(rec.diskGiB * 1024)}M`)
    const importing = params.source.kind === 'import'
    // Windows: SATA and e1000e, which its installer drives as it is; virtio (faster) when the
    // virtio-win drivers ISO goes in the second CD drive. Windows 11 (and Server 2022 and later)
    // get a TPM and, with UEFI, Secure Boot: a host without swtpm or the Secure Boot firmware
    // is told so at start, with the package to install.
    const hw = iso?.recommended.hardware
    const driversIso = hw === undefined ? null : (params.driversIso ?? null)
    if (driversIso !== null) await inspectIso(driversIso)
    const virtio = hw === undefined || driversIso !== null
    const config = vmConfigSchema.parse({
      version: CONFIG_VERSION,
      id,
      name: params.name,
      ...(iso?.os ? { os: iso.os } : {}),
      memoryMiB,
      cpus,
      firmware,
      accel: params.accel,
      disks: [{ file: `disk0.${importing ? 'qcow2' : params.diskFormat}`, format: importing ? 'qcow2' : params.diskFormat, bus: virtio ? 'virtio' : (hw?.diskBus ?? 'sata') }],
      cdrom: iso?.path ?? null,
      secondCdrom: driversIso,
      bootOrder: ['disk', 'cdrom'],
      network: { mode: 'user', portForwards: params.portForwards, model: virtio ? 'virtio' : (hw?.nicModel ?? 'e1000e') },
      rtc: hw?.rtc ?? 'utc',
      tablet: hw?.tablet ?? true,
      hyperv: hw?.hyperv ?? false,
      tpm: hw?.tpm ?? false,
      secureBoot: firmware === 'uefi' && (hw?.secureBoot ?? false),
      createdAt: new Date().toISOString(),
    } satisfies VmConfig)
    return { config, diskBytes }
  }

  /**
   * What Create would make and start, with the VM's own id (so its own folder, MAC address
   * and UUID): `create` given that id makes exactly this VM.
   */
  async preview(params: CreateVmRequest): Promise<VmPreview> {
    const id = params.id ?? VmStore.newId()
    const { config } = await this.draft(params, id)
    const disk = diskPath(config.disks[0]!, this.o.store.dirOf(id))
    const plan = await this.o.supervisor.plan(config, [disk])
    return { id, argv: plan.argv, problems: plan.problems, diskPath: disk }
  }

  /**
   * Makes the VM: its folder, its disk (new, or converted from an imported image), its
   * definition. Anything that fails removes all of it: no half-made VM, no orphaned disk.
   */
  async create(params: CreateVmRequest): Promise<VmDetails> {
    const { store } = this.o
    const id = params.id ?? VmStore.newId()
    if (params.id !== undefined && (await stat(store.dirOf(id)).then(() => true, () => false))) {
      throw new VireoError('ALREADY_EXISTS', msg('error.vm.idTaken', { id }), msg('error.vm.idTakenHint'), { field: 'id' })
    }
    const { config, diskBytes } = await this.draft(params, id)
    const dir = await store.createStaging(id)
    try {
      const target = diskPath(config.disks[0]!, dir)
      if (params.source.kind === 'import') {
        const { path, format } = params.source
        await this.copyImages({ kind: 'import', subject: path, label: `Importing ${path}` }, [
          { source: path, ...(format ? { sourceFormat: format } : {}), target, targetFormat: 'qcow2' },
        ])
      } else {
        await createImage({ path: target, format: config.disks[0]!.format, sizeBytes: diskBytes })
      }
      await store.commit(config, dir)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    await this.o.announce(id)
    if (params.start) {
      try {
        await this.o.start(id)
      } catch (error) {
        // The VM is made and kept (its disk may hold an hour's import): say so, and which.
        const info = toErrorInfo(error)
        throw new VireoError(
          info.code,
          msg('error.vm.createdNotStarted', { name: config.name, reason: info.messageText ?? info.message }),
          info.hintText,
          { ...info.details, createdId: id },
        )
      }
    }
    return this.o.views.details(id)
  }

  /**
   * A full copy of a stopped VM under a new name: a new id (so its own MAC address and SMBIOS
   * UUID), each disk copied by qemu-img into the new folder (sparse, with no link back to the
   * original), its UEFI variables; not its logs. Made in a staging folder as a new VM is, so a
   * copy that fails (no space, a disk locked by a start meanwhile) leaves nothing behind.
   */
  async clone(params: CloneVmRequest): Promise<VmDetails> {
    const { store, supervisor } = this.o
    const source = await stoppedConfig(store, supervisor, params.id, 'error.vm.shutDownBefore.cloning', msg('error.vm.shutDownBefore.cloningHint'))
    await checkNameFree(store, params.name)
    const id = VmStore.newId()
    const config = vmConfigSchema.parse({
      ...source,
      id,
      name: params.name,
      disks: source.disks.map((disk, index) => ({ ...disk, file: `disk${index}.${disk.format}` })),
      createdAt: new Date().toISOString(),
    } satisfies VmConfig)
    const from = store.dirOf(source.id)
    const dir = await store.createStaging(id)
    try {
      const copies = source.disks.map((disk, index) => ({
        source: diskPath(disk, from),
        sourceFormat: disk.format,
        target: diskPath(config.disks[index]!, dir),
        targetFormat: disk.format,
      }))
      await this.copyImages({ kind: 'clone', subject: source.id, label: `Copying the disks of “${source.name}”` }, copies)
      await copyVmState(from, dir)
      await store.commit(config, dir)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      return unlessDeleted(store, source.id, error)
    }
    await this.o.announce(id)
    return this.o.views.details(id)
  }

  /**
   * Copies images one after another with qemu-img, telling listeners (`jobProgress`) how far
   * the whole job has got, each image counting alike; the last event says done, or the error.
   */
  private async copyImages(
    job: Pick<JobProgress, 'kind' | 'subject' | 'label'>,
    copies: Omit<ConvertImageOptions, 'onProgress'>[],
  ): Promise<void> {
    const jobId = `${job.kind}-${randomUUID()}`
    const tell = (percent: number, extra: Partial<Omit<JobProgress, 'connection'>> = {}) =>
      this.o.progress({ ...job, jobId, percent: Math.round(percent * 10) / 10, done: false, ...extra })
    let done = 0
    try {
      for (const copy of copies) {
        await convertImage({
          ...copy,
          onProgress: (percent) => tell((done * 100 + percent) / copies.length),
          // Recorded in the staging folder, so that a front end killed meanwhile leaves no
          // orphaned copy behind: the next one stops it (see sweepLeftovers).
          onSpawn: (pid) => void recordCopy(dirname(copy.target), pid, resolve(copy.target)).catch(() => {}),
        })
        done += 1
      }
    } catch (error) {
      tell((done * 100) / copies.length, { done: true, error: toErrorInfo(error) })
      throw error
    }
    tell(100, { done: true })
  }

  async delete(params: DeleteVmRequest): Promise<DeleteResult> {
    const { store, supervisor } = this.o
    const vm = await store.find(params.id)
    const runtime = await supervisor.status(params.id)
    if (runtime.state !== 'stopped' && runtime.state !== 'crashed') {
      throw new VireoError('INVALID_STATE', msg('error.vm.deleteRunning'), msg('error.vm.deleteRunningHint'))
    }
    // A broken definition never costs the user their disks: only an explicit choice does.
    // Without a readable definition the disks are not known, so the whole folder is kept.
    let keptDisks: string[]
    try {
      const keep = params.deleteDisks
        ? []
        : vm.ok
          ? vm.config.disks.map((d) => diskPath(d, vm.dir))
          : (await readdir(vm.dir)).filter((n) => n !== 'vm.json').map((n) => join(vm.dir, n))
      keptDisks = await store.remove(params.id, keep)
    } catch (error) {
      // Two deletes at once (two windows, or the CLI beside the GUI): the other one won.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      throw new VireoError('NOT_FOUND', msg('error.vm.deletedMeanwhile', { id: params.id }), msg('error.vm.deletedMeanwhileNothing'))
    }
    this.o.removed(params.id)
    return { deleted: true, keptDisks }
  }
}
