import { VireoError, msg } from '../errors'
import type { HostService } from '../host/host-service'
import { resizeImage } from '../images/qemu-img'
import { parseSize } from '../images/size'
import { inspectIso } from '../os/iso-inspection'
import type { InsertIsoRequest, UpdateVmRequest, VmRef } from '../requests'
import type { VmDetails, VmSummary } from '../types'
import { vmConfigSchema } from './config'
import { diskPath } from './qemu-args'
import type { Supervisor } from './supervisor'
import { checkFitsHost, checkNameFree } from './vm-checks'
import type { VmStore } from './vm-store'
import type { VmViews } from './vm-views'

export interface VmSettingsOptions {
  store: VmStore
  supervisor: Supervisor
  host: HostService
  views: VmViews
  /** Tells listeners that VM `id` changed. */
  announce: (id: string) => Promise<void>
}

/**
 * Changes to an existing VM's definition: its settings (hardware only while it is stopped; a
 * disk only grows), and the ISO in its CD drive, swapped in the running QEMU too.
 */
export class VmSettings {
  constructor(private readonly o: VmSettingsOptions) {}

  async update(params: UpdateVmRequest): Promise<VmDetails> {
    const { store, supervisor } = this.o
    const config = await store.get(params.id)
    const runtime = await supervisor.status(params.id)
    const { diskSize, portForwards, diskBuses, nicModel, ...rest } = params.changes
    const hardware = Object.keys(params.changes).filter((k) => k !== 'name' && k !== 'cdrom')
    if (runtime.state !== 'stopped' && runtime.state !== 'crashed' && hardware.length > 0) {
      throw new VireoError('INVALID_STATE', msg('error.vm.shutDownBefore.changing', { name: config.name, what: hardware.join(', ') }), msg('error.vm.shutDownBefore.changingHint'))
    }
    if (rest.name !== undefined && rest.name !== config.name) await checkNameFree(store, rest.name, config.id)
    if (rest.memoryMiB !== undefined || rest.cpus !== undefined) {
      checkFitsHost(await this.o.host.check({ refresh: false }), rest.memoryMiB ?? 0, rest.cpus ?? 0)
    }
    if ((rest.secureBoot ?? config.secureBoot) && (rest.firmware ?? config.firmware) !== 'uefi') {
      throw new VireoError('INVALID_INPUT', msg('launch.secureBootNeedsUefi'), msg('launch.secureBootNeedsUefiHint'))
    }
    if (rest.cdrom) await inspectIso(rest.cdrom)
    if (rest.secondCdrom) await inspectIso(rest.secondCdrom)
    if (diskBuses !== undefined && diskBuses.length !== config.disks.length) {
      throw new VireoError('INVALID_INPUT', msg('error.disk.busesCount', { count: config.disks.length }), msg('error.disk.busesCountHint'), { field: 'diskBuses' })
    }
    if (diskSize !== undefined && config.disks[0] !== undefined) {
      const disk = config.disks[0]
      await resizeImage(diskPath(disk, store.dirOf(config.id)), disk.format, parseSize(diskSize))
    }
    const next = vmConfigSchema.parse({
      ...config,
      ...rest,
      ...(diskBuses ? { disks: config.disks.map((disk, i) => ({ ...disk, bus: diskBuses[i] ?? disk.bus })) } : {}),
      network: { ...config.network, ...(portForwards ? { portForwards } : {}), ...(nicModel ? { model: nicModel } : {}) },
    })
    await store.save(next)
    await this.o.announce(next.id)
    return this.o.views.details(next.id)
  }

  async ejectIso(params: VmRef): Promise<VmSummary> {
    const { store, supervisor } = this.o
    const config = await store.get(params.id)
    const runtime = await supervisor.status(params.id)
    if (runtime.state === 'running' || runtime.state === 'paused') await supervisor.eject(params.id)
    await store.save({ ...config, cdrom: null })
    await this.o.announce(params.id)
    return this.o.views.summaryOf(params.id)
  }

  async insertIso(params: InsertIsoRequest): Promise<VmSummary> {
    const { store, supervisor } = this.o
    const config = await store.get(params.id)
    const iso = await inspectIso(params.path)
    const runtime = await supervisor.status(params.id)
    if (runtime.state === 'running' || runtime.state === 'paused') await supervisor.insert(params.id, iso.path)
    await store.save({ ...config, cdrom: iso.path })
    await this.o.announce(params.id)
    return this.o.views.summaryOf(params.id)
  }
}
