import { constants } from 'node:fs'
import { access, rm, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { VireoError, msg } from '../errors'
import { createImage, imageInfo } from '../images/qemu-img'
import { parseSize } from '../images/size'
import type { AddDiskRequest, RemoveDiskRequest } from '../requests'
import type { VmDetails } from '../types'
import { vmConfigSchema, type DiskConfig } from './config'
import { diskPath } from './qemu-args'
import type { Supervisor } from './supervisor'
import { stoppedConfig } from './vm-checks'
import type { VmStore } from './vm-store'
import type { VmViews } from './vm-views'

export interface VmDisksOptions {
  store: VmStore
  supervisor: Supervisor
  views: VmViews
  announce: (id: string) => Promise<void>
}

/** The most disks a VM has (config.ts's limit). */
const MAX_DISKS = 8

/**
 * A stopped VM's disks, added and removed: a new image of a size (made in its folder) or an
 * existing image file (kept where it is), and removal that keeps the file unless asked. A new
 * image whose definition cannot be saved is removed again: no orphan image.
 */
export class VmDisks {
  constructor(private readonly o: VmDisksOptions) {}

  async add(params: AddDiskRequest): Promise<VmDetails> {
    const { store, supervisor } = this.o
    const config = await stoppedConfig(store, supervisor, params.id, 'error.disk.shutDownBefore', msg('error.vm.shutDownBefore.changingHint'))
    if (config.disks.length >= MAX_DISKS) {
      throw new VireoError('INVALID_INPUT', msg('error.disk.tooMany', { max: MAX_DISKS }), msg('error.disk.tooManyHint'))
    }
    const dir = store.dirOf(config.id)
    let disk: DiskConfig
    let made: string | null = null
    if (params.existing !== undefined) {
      const file = params.existing
      if (!isAbsolute(file)) {
        throw new VireoError('INVALID_INPUT', msg('error.disk.notAbsolute', { path: file }), msg('error.disk.notAbsoluteHint'), { field: 'existing' })
      }
      const st = await stat(file).catch(() => null)
      if (st === null || !st.isFile()) {
        throw new VireoError('FILE_MISSING', msg('error.disk.missing', { path: file }), msg('error.disk.missingHint'), { field: 'existing' })
      }
      if (config.disks.some((d) => diskPath(d, dir) === file)) {
        throw new VireoError('ALREADY_EXISTS', msg('error.disk.attached', { path: file }), msg('error.disk.attachedHint'), { field: 'existing' })
      }
      await access(file, constants.R_OK | constants.W_OK).catch(() => {
        throw new VireoError('INVALID_INPUT', msg('error.disk.notWritable', { path: file }), msg('error.disk.notWritableHint'), { field: 'existing' })
      })
      const info = await imageInfo(file)
      const format = info.format === 'qcow2' ? 'qcow2' : info.format === 'raw' ? 'raw' : null
      if (format === null) {
        throw new VireoError('INVALID_INPUT', msg('error.disk.format', { path: file, format: info.format }), msg('error.disk.formatHint'), { field: 'existing' })
      }
      disk = { file, format, bus: params.bus }
    } else {
      if (params.size === undefined) {
        throw new VireoError('INVALID_INPUT', msg('error.disk.sizeOrExisting'), msg('error.disk.sizeOrExistingHint'), { field: 'size' })
      }
      const sizeBytes = parseSize(params.size)
      const file = await freeName(dir, params.format)
      await createImage({ path: join(dir, file), format: params.format, sizeBytes })
      made = join(dir, file)
      disk = { file, format: params.format, bus: params.bus }
    }
    try {
      await store.save(vmConfigSchema.parse({ ...config, disks: [...config.disks, disk] }))
    } catch (error) {
      if (made !== null) await rm(made, { force: true })
      throw error
    }
    await this.o.announce(config.id)
    return this.o.views.details(config.id)
  }

  async remove(params: RemoveDiskRequest): Promise<VmDetails> {
    const { store, supervisor } = this.o
    const config = await stoppedConfig(store, supervisor, params.id, 'error.disk.shutDownBefore', msg('error.vm.shutDownBefore.changingHint'))
    const disk = config.disks[params.index]
    if (disk === undefined) {
      throw new VireoError('NOT_FOUND', msg('error.disk.noSuch', { index: params.index, count: config.disks.length }), msg('error.disk.noSuchHint'), { field: 'index' })
    }
    const path = diskPath(disk, store.dirOf(config.id))
    await store.save({ ...config, disks: config.disks.filter((_, i) => i !== params.index) })
    // The definition no longer names the file; only now, and only if asked, is it deleted.
    if (params.deleteFile) await rm(path, { force: true })
    await this.o.announce(config.id)
    return this.o.views.details(config.id)
  }
}

/** The first `diskN.FORMAT` not yet in the VM's folder. */
async function freeName(dir: string, format: string): Promise<string> {
  for (let n = 0; ; n++) {
    const name = `disk${n}.${format}`
    if (!(await stat(join(dir, name)).then(() => true, () => false))) return name
  }
}
