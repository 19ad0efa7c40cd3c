import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { constants } from 'node:fs'
import { copyFile, readdir, rm, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { ConsoleServer } from './console/console-server'
import { ConsoleTokens } from './console/console-tokens'
import { toErrorInfo, VireoError, type ErrorInfo } from './errors'
import { installHint } from './exec'
import { browse, browseRoots, findIsoFiles } from './files/file-browser'
import { checkHost } from './host/host-check'
import { qemuHasSandbox } from './host/qemu-features'
import { convertImage, createImage, imageInfo, resizeImage, type ConvertImageOptions } from './images/qemu-img'
import { parseSize } from './images/size'
import { readIsoLabel } from './os/iso-label'
import { detectOs, genericLinux } from './os/os-catalog'
import type { VireoPaths } from './paths'
import { CONFIG_VERSION, vmConfigSchema, type VmConfig } from './vms/config'
import { logTail } from './vms/launch'
import { UEFI_VARS_FILE, type HostFacts } from './vms/launch-plan'
import { diskPath, QEMU_BINARY } from './vms/qemu-args'
import { processArgs } from './vms/qemu-process'
import { recordCopy } from './vms/staging-owner'
import { Supervisor, type VmRuntime } from './vms/supervisor'
import { applyVmSnapshot, findVmSnapshot, takeVmSnapshot, vmSnapshots, type SnapshotTarget } from './vms/vm-snapshots'
import { VmStore, type StoredVm } from './vms/vm-store'
import type {
  BrowseFilesRequest,
  CloneVmRequest,
  CreateVmRequest,
  DeleteVmRequest,
  HostCheckRequest,
  InsertIsoRequest,
  InspectIsoRequest,
  LogTailRequest,
  ShutdownVmRequest,
  SnapshotRequest,
  UpdateVmRequest,
  VmRef,
} from './requests'
import type {
  BrowseResult,
  ConsoleEndpoint,
  DeleteResult,
  HostReport,
  IsoInspection,
  JobProgress,
  LogTail,
  Screenshot,
  VireoEvents,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmSummary,
} from './types'

type EventMap = { [E in keyof VireoEvents]: [VireoEvents[E]] }

export interface VireoOptions {
  paths: VireoPaths
  /** Long-lived front ends follow QMP events; the CLI does not. */
  watch: boolean
}

/**
 * The core's one entry point: every API method, implemented over the host check, images,
 * store and supervisor. Each method takes the core's request type (core/requests.ts), which
 * the contract's validated params match; transports never reach past this object.
 */
export class Vireo extends EventEmitter<EventMap> {
  readonly store: VmStore
  readonly supervisor: Supervisor
  readonly consoleTokens = new ConsoleTokens()
  /** Console WebSockets (`/console/<id>?token=…`) bridged to each VM's VNC socket. */
  readonly consoleBridge = new ConsoleServer({ tokens: this.consoleTokens })
  private host: Promise<HostReport> | null = null
  private consoleOrigin = ''
  private statsTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: VireoOptions) {
    super()
    this.store = new VmStore(options.paths.vms)
    this.supervisor = new Supervisor({
      runtimeRoot: options.paths.runtime,
      ...(options.paths.runtimeBase === undefined ? {} : { runtimeBase: options.paths.runtimeBase }),
      vmDirOf: (id) => this.store.dirOf(id),
      hostFacts: () => this.hostFacts(),
      watch: options.watch,
    })
    this.supervisor.on('state', (id) => void this.announce(id))
    this.supervisor.on('reset', (id) => this.emit('vmReset', { id }))
  }

  /**
   * Where consoles are reached when it is not the API's own origin (the Electron window's
   * loopback bridge): console paths then come back as absolute ws:// URLs.
   */
  setConsoleOrigin(origin: string): void {
    this.consoleOrigin = origin
  }

  subscribe<E extends keyof VireoEvents>(event: E, listener: (payload: VireoEvents[E]) => void): () => void {
    const emitter = this as EventEmitter
    emitter.on(event, listener)
    return () => emitter.off(event, listener)
  }

  /**
   * Finds VMs left running by an earlier front end and follows them again, and clears what
   * cut-short creations and deletions left behind.
   */
  async attachRunning(): Promise<void> {
    await this.store.sweepLeftovers().catch(() => [])
    await this.listVms()
    if (this.options.watch) this.startStats()
  }

  dispose(): void {
    if (this.statsTimer) clearInterval(this.statsTimer)
    this.supervisor.dispose()
  }

  // ── host ────────────────────────────────────────────────────────────────────────────

  async hostCheck(params: HostCheckRequest): Promise<HostReport> {
    let report = this.host
    if (params.refresh || report === null) {
      report = checkHost({ paths: this.options.paths, refresh: params.refresh })
      report.catch(() => (this.host = null))
      this.host = report
    }
    return report
  }

  private async hostFacts(): Promise<HostFacts> {
    const report = await this.hostCheck({ refresh: false })
    if (report.qemu === null) {
      throw new VireoError(
        'HOST_UNSUPPORTED',
        'QEMU is not installed.',
        installHint(QEMU_BINARY),
      )
    }
    return {
      accel: report.accel,
      kvmUsable: report.kvm.usable,
      accelReason: report.accelReason,
      uefi: report.firmware.uefi,
      sandbox: await qemuHasSandbox(report.qemu.path),
    }
  }

  // ── VMs ─────────────────────────────────────────────────────────────────────────────

  async listVms(): Promise<VmSummary[]> {
    const stored = await this.store.list()
    return Promise.all(stored.map(async (vm) => this.summary(vm, await this.runtime(vm))))
  }

  async getVm(params: VmRef): Promise<VmDetails> {
    const vm = await this.store.find(params.id)
    const runtime = await this.runtime(vm)
    const summary = this.summary(vm, runtime)
    if (!vm.ok) return { ...summary, dir: vm.dir, config: null, disks: [], argv: null, launchProblems: [] }
    const disks = await Promise.all(
      vm.config.disks.map(async (d) => {
        const path = diskPath(d, vm.dir)
        const info = await imageInfo(path, { format: d.format, force: true }).catch(() => null)
        return {
          path,
          format: d.format,
          bus: d.bus,
          virtualBytes: info?.virtualBytes ?? null,
          actualBytes: info?.actualBytes ?? null,
          backingFiles: (info?.chain ?? []).flatMap((e) => (e.backingFile === null ? [] : [e.backingFile])),
        }
      }),
    )
    const launch = await this.launchView(vm.config, runtime)
    return { ...summary, dir: vm.dir, config: vm.config, disks, ...launch }
  }

  /**
   * The command line of a VM: a running one's as its QEMU runs it (read from the process),
   * any other's from the launch plan a start would carry out, with what would stop it.
   */
  private async launchView(config: VmConfig, runtime: VmRuntime): Promise<{ argv: string[] | null; launchProblems: ErrorInfo[] }> {
    if (runtime.pid !== undefined) return { argv: await processArgs(runtime.pid), launchProblems: [] }
    const plan = await this.supervisor.plan(config).catch((error: unknown) => ({ argv: null, problems: [toErrorInfo(error)] }))
    return { argv: plan.argv, launchProblems: plan.problems }
  }

  private async runtime(vm: StoredVm): Promise<VmRuntime> {
    return this.supervisor.status(vm.id)
  }

  private summary(vm: StoredVm, runtime: VmRuntime): VmSummary {
    const common = {
      id: vm.id,
      state: runtime.state,
      accelInUse: runtime.accel ?? null,
      startedAt: runtime.startedAt ?? null,
      lastStop: runtime.lastStop ?? null,
      pause: runtime.pause ?? null,
    }
    if (!vm.ok) {
      return { ...common, name: vm.id, broken: vm.reason, os: null, memoryMiB: 0, cpus: 0, accel: 'auto', firmware: 'bios', cdrom: null }
    }
    const c = vm.config
    return { ...common, name: c.name, broken: null, os: c.os ?? null, memoryMiB: c.memoryMiB, cpus: c.cpus, accel: c.accel, firmware: c.firmware, cdrom: c.cdrom }
  }

  private async announce(id: string): Promise<void> {
    const vm = await this.store.read(id)
    this.emit('vmChanged', this.summary(vm, await this.runtime(vm)))
  }

  private async summaryOf(id: string): Promise<VmSummary> {
    const vm = await this.store.find(id)
    return this.summary(vm, await this.runtime(vm))
  }

  /** Names are unique, whatever their case: refuses `name` if another VM (not `self`) has it. */
  private async checkNameFree(name: string, self?: string): Promise<void> {
    const key = name.toLocaleLowerCase()
    const taken = (await this.store.list()).some((vm) => vm.ok && vm.id !== self && vm.config.name.toLocaleLowerCase() === key)
    if (taken) throw new VireoError('ALREADY_EXISTS', `A VM named “${name}” already exists.`, 'Choose another name.', { field: 'name' })
  }

  /** Validates a new VM's settings against the host and the other VMs; builds its definition. */
  private async draft(params: CreateVmRequest, id: string): Promise<{ config: VmConfig; diskBytes: number }> {
    const host = await this.hostCheck({ refresh: false })
    await this.checkNameFree(params.name)
    const iso = params.source.kind === 'iso' ? await this.inspectIso({ path: params.source.path }) : null
    const rec = iso?.recommended ?? genericLinux
    const memoryMiB = params.memoryMiB ?? rec.memoryMiB
    const cpus = params.cpus ?? Math.min(rec.cpus, host.cpus)
    checkFitsHost(host, memoryMiB, cpus)
    const firmware = params.firmware ?? (rec.firmware === 'uefi' && host.firmware.uefi ? 'uefi' : 'bios')
    const diskBytes = parseSize(params.diskSize ?? `${Math.round(rec.diskGiB * 1024)}M`)
    const importing = params.source.kind === 'import'
    const config = vmConfigSchema.parse({
      version: CONFIG_VERSION,
      id,
      name: params.name,
      ...(iso?.os ? { os: iso.os } : {}),
      memoryMiB,
      cpus,
      firmware,
      accel: params.accel,
      disks: [{ file: `disk0.${importing ? 'qcow2' : params.diskFormat}`, format: importing ? 'qcow2' : params.diskFormat, bus: 'virtio' }],
      cdrom: iso?.path ?? null,
      bootOrder: ['disk', 'cdrom'],
      network: { mode: 'user', portForwards: params.portForwards },
      createdAt: new Date().toISOString(),
    } satisfies VmConfig)
    return { config, diskBytes }
  }

  /**
   * What Create would make and start, with the VM's own id (so its own folder, MAC address
   * and UUID): `createVm` given that id makes exactly this VM.
   */
  async previewVm(params: CreateVmRequest): Promise<VmPreview> {
    const id = params.id ?? VmStore.newId()
    const { config } = await this.draft(params, id)
    const disk = diskPath(config.disks[0]!, this.store.dirOf(id))
    const plan = await this.supervisor.plan(config, [disk])
    return { id, argv: plan.argv, problems: plan.problems, diskPath: disk }
  }

  /**
   * Makes the VM: its folder, its disk (new, or converted from an imported image), its
   * definition. Anything that fails removes all of it: no half-made VM, no orphaned disk.
   */
  async createVm(params: CreateVmRequest): Promise<VmDetails> {
    const id = params.id ?? VmStore.newId()
    if (params.id !== undefined && (await stat(this.store.dirOf(id)).then(() => true, () => false))) {
      throw new VireoError('ALREADY_EXISTS', `A VM with the id ${id} already exists.`, 'Create it without an id to get a new one.', { field: 'id' })
    }
    const { config, diskBytes } = await this.draft(params, id)
    const dir = await this.store.createStaging(id)
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
      await this.store.commit(config, dir)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    await this.announce(id)
    if (params.start) {
      try {
        await this.startVm({ id })
      } catch (error) {
        // The VM is made and kept (its disk may hold an hour's import): say so, and which.
        const info = toErrorInfo(error)
        throw new VireoError(
          info.code,
          `“${config.name}” was created, but did not start: ${info.message}`,
          info.hint,
          { ...info.details, createdId: id },
        )
      }
    }
    return this.getVm({ id })
  }

  async updateVm(params: UpdateVmRequest): Promise<VmDetails> {
    const config = await this.store.get(params.id)
    const runtime = await this.supervisor.status(params.id)
    const { diskSize, portForwards, ...rest } = params.changes
    const hardware = Object.keys(params.changes).filter((k) => k !== 'name' && k !== 'cdrom')
    if (runtime.state !== 'stopped' && runtime.state !== 'crashed' && hardware.length > 0) {
      throw new VireoError('INVALID_STATE', `Shut “${config.name}” down before changing ${hardware.join(', ')}.`, 'These settings take effect at the next start.')
    }
    if (rest.name !== undefined && rest.name !== config.name) await this.checkNameFree(rest.name, config.id)
    if (rest.memoryMiB !== undefined || rest.cpus !== undefined) {
      checkFitsHost(await this.hostCheck({ refresh: false }), rest.memoryMiB ?? 0, rest.cpus ?? 0)
    }
    if (rest.cdrom) await this.inspectIso({ path: rest.cdrom })
    if (diskSize !== undefined && config.disks[0] !== undefined) {
      const disk = config.disks[0]
      await resizeImage(diskPath(disk, this.store.dirOf(config.id)), disk.format, parseSize(diskSize))
    }
    const next = vmConfigSchema.parse({
      ...config,
      ...rest,
      ...(portForwards ? { network: { ...config.network, portForwards } } : {}),
    })
    await this.store.save(next)
    await this.announce(next.id)
    return this.getVm({ id: next.id })
  }

  /**
   * A full copy of a stopped VM under a new name: a new id (so its own MAC address and SMBIOS
   * UUID), each disk copied by qemu-img into the new folder (sparse, with no link back to the
   * original), its UEFI variables; not its logs. Made in a staging folder as a new VM is, so a
   * copy that fails (no space, a disk locked by a start meanwhile) leaves nothing behind.
   */
  async cloneVm(params: CloneVmRequest): Promise<VmDetails> {
    const source = await this.stoppedConfig(params.id, 'before cloning it', 'A running guest changes its disks while they are being copied.')
    await this.checkNameFree(params.name)
    const id = VmStore.newId()
    const config = vmConfigSchema.parse({
      ...source,
      id,
      name: params.name,
      disks: source.disks.map((disk, index) => ({ ...disk, file: `disk${index}.${disk.format}` })),
      createdAt: new Date().toISOString(),
    } satisfies VmConfig)
    const from = this.store.dirOf(source.id)
    const dir = await this.store.createStaging(id)
    try {
      const copies = source.disks.map((disk, index) => ({
        source: diskPath(disk, from),
        sourceFormat: disk.format,
        target: diskPath(config.disks[index]!, dir),
        targetFormat: disk.format,
      }))
      await this.copyImages({ kind: 'clone', subject: source.id, label: `Copying the disks of “${source.name}”` }, copies)
      await copyFile(join(from, UEFI_VARS_FILE), join(dir, UEFI_VARS_FILE), constants.COPYFILE_EXCL).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
      await this.store.commit(config, dir)
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      return this.unlessDeleted(source.id, error)
    }
    await this.announce(id)
    return this.getVm({ id })
  }

  /**
   * Rethrows `error`, unless it is an unforeseen one (a file gone from under a command) and the
   * VM `id` was deleted meanwhile, by another window or command: then NOT_FOUND, in words.
   */
  private async unlessDeleted(id: string, error: unknown): Promise<never> {
    if (error instanceof VireoError) throw error
    const gone = await this.store.find(id).then(
      () => false,
      () => true,
    )
    if (gone) throw new VireoError('NOT_FOUND', `VM ${id} was deleted meanwhile, by another window or command.`, 'Refresh the list.')
    throw error
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
    const tell = (percent: number, extra: Partial<JobProgress> = {}) =>
      this.emit('jobProgress', { ...job, jobId, percent: Math.round(percent * 10) / 10, done: false, ...extra })
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

  /** A VM's definition, if it is stopped: else INVALID_STATE, "Shut “X” down <before>." */
  private async stoppedConfig(id: string, before: string, hint: string): Promise<VmConfig> {
    const config = await this.store.get(id)
    const { state } = await this.supervisor.status(id)
    if (state !== 'stopped' && state !== 'crashed') throw new VireoError('INVALID_STATE', `Shut “${config.name}” down ${before}.`, hint)
    return config
  }

  async deleteVm(params: DeleteVmRequest): Promise<DeleteResult> {
    const vm = await this.store.find(params.id)
    const runtime = await this.supervisor.status(params.id)
    if (runtime.state !== 'stopped' && runtime.state !== 'crashed') {
      throw new VireoError('INVALID_STATE', 'This VM is running; it cannot be deleted.', 'Shut it down (or force it off) first.')
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
      keptDisks = await this.store.remove(params.id, keep)
    } catch (error) {
      // Two deletes at once (two windows, or the CLI beside the GUI): the other one won.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      throw new VireoError('NOT_FOUND', `VM ${params.id} was deleted meanwhile, by another window or command.`, 'Nothing more to do; the list is up to date.')
    }
    this.emit('vmRemoved', { id: params.id })
    return { deleted: true, keptDisks }
  }

  // ── snapshots (a stopped VM's disks; a running VM's disks, memory and devices) ────────

  async listSnapshots(params: VmRef): Promise<VmSnapshot[]> {
    return vmSnapshots(await this.store.get(params.id), this.store.dirOf(params.id))
  }

  async takeSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    await takeVmSnapshot(await this.snapshotTarget(params.id, 'take a snapshot'), params.name)
    return this.listSnapshots(params)
  }

  /**
   * Back to a snapshot. A stopped VM and a snapshot with memory: the VM starts and goes on
   * from where the snapshot was taken, as virt-manager does.
   */
  async revertSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    let target = await this.snapshotTarget(params.id, 'revert to a snapshot')
    if (target.qmp === null) {
      const snapshot = await findVmSnapshot(target.config, target.dir, params.name)
      if (snapshot.vmStateBytes > 0) {
        await this.startVm({ id: params.id })
        target = await this.snapshotTarget(params.id, 'revert to a snapshot')
      }
    }
    await applyVmSnapshot(target, 'revert', params.name)
    await this.announce(params.id)
    return this.listSnapshots(params)
  }

  async deleteSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    await applyVmSnapshot(await this.snapshotTarget(params.id, 'delete a snapshot'), 'delete', params.name)
    return this.listSnapshots(params)
  }

  /** The VM, with QMP to its QEMU when it runs (or is paused); refused while it starts or stops. */
  private async snapshotTarget(id: string, what: string): Promise<SnapshotTarget> {
    const config = await this.store.get(id)
    const { state } = await this.supervisor.status(id)
    const dir = this.store.dirOf(id)
    if (state === 'stopped' || state === 'crashed') return { config, dir, qmp: null }
    if (state === 'running' || state === 'paused') {
      return { config, dir, qmp: (command, args) => this.supervisor.ctl(id, command, args) }
    }
    throw new VireoError('INVALID_STATE', `“${config.name}” is ${state.replace('-', ' ')}; wait until it has finished, then ${what}.`)
  }

  // ── power ───────────────────────────────────────────────────────────────────────────

  async startVm(params: VmRef): Promise<VmSummary> {
    const config = await this.store.get(params.id)
    await this.supervisor.start(config).catch((error: unknown) => this.unlessDeleted(params.id, error))
    return this.summaryOf(params.id)
  }

  async shutdownVm(params: ShutdownVmRequest): Promise<VmSummary> {
    await this.supervisor.shutdown(params.id, params.timeoutSec * 1000)
    return this.summaryOf(params.id)
  }

  async forceOffVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.forceOff(params.id)
    return this.summaryOf(params.id)
  }

  async rebootVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.reboot(params.id)
    return this.summaryOf(params.id)
  }

  async pauseVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.pause(params.id)
    return this.summaryOf(params.id)
  }

  async resumeVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.resume(params.id)
    return this.summaryOf(params.id)
  }

  // ── media, screen, console, logs ────────────────────────────────────────────────────

  async ejectIso(params: VmRef): Promise<VmSummary> {
    const config = await this.store.get(params.id)
    const runtime = await this.supervisor.status(params.id)
    if (runtime.state === 'running' || runtime.state === 'paused') await this.supervisor.eject(params.id)
    await this.store.save({ ...config, cdrom: null })
    await this.announce(params.id)
    return this.summaryOf(params.id)
  }

  async insertIso(params: InsertIsoRequest): Promise<VmSummary> {
    const config = await this.store.get(params.id)
    const iso = await this.inspectIso({ path: params.path })
    const runtime = await this.supervisor.status(params.id)
    if (runtime.state === 'running' || runtime.state === 'paused') await this.supervisor.insert(params.id, iso.path)
    await this.store.save({ ...config, cdrom: iso.path })
    await this.announce(params.id)
    return this.summaryOf(params.id)
  }

  async screenshot(params: VmRef): Promise<Screenshot> {
    const png = await this.supervisor.screenshot(params.id)
    // The IHDR chunk follows the 8-byte signature: width and height, big-endian.
    return { png: png.toString('base64'), width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
  }

  async inspectIso(params: InspectIsoRequest): Promise<IsoInspection> {
    if (!isAbsolute(params.path)) {
      throw new VireoError('INVALID_INPUT', `“${params.path}” is not an absolute path.`, 'Give the full path, starting with /.', { field: 'path' })
    }
    const { label, sizeBytes } = await readIsoLabel(params.path)
    const os = detectOs(label)
    const rec = os?.entry ?? genericLinux
    return {
      path: params.path,
      sizeBytes,
      label,
      os: os ? { id: os.id, name: os.name } : null,
      recommended: { memoryMiB: rec.memoryMiB, cpus: rec.cpus, diskGiB: rec.diskGiB, firmware: rec.firmware },
    }
  }

  async listIsoCandidates(): Promise<IsoInspection[]> {
    const files = await findIsoFiles(browseRoots())
    const inspected = await Promise.all(files.map((path) => this.inspectIso({ path }).catch(() => null)))
    return inspected.filter((i): i is IsoInspection => i !== null)
  }

  async browseFiles(params: BrowseFilesRequest): Promise<BrowseResult> {
    return browse(params.dir, browseRoots())
  }

  async consoleEndpoint(params: VmRef): Promise<ConsoleEndpoint> {
    const runtime = await this.supervisor.status(params.id)
    if (runtime.state === 'stopped' || runtime.state === 'crashed') {
      throw new VireoError('NOT_RUNNING', 'This VM is not running, so it has no console.', 'Start it first.')
    }
    const { token, expiresAt } = this.consoleTokens.issue(params.id, this.supervisor.vncSocket(params.id))
    return { path: this.consoleOrigin + this.consoleBridge.consolePath(params.id, token), expiresAt: new Date(expiresAt).toISOString() }
  }

  async logTail(params: LogTailRequest): Promise<LogTail> {
    await this.store.get(params.id)
    const file = join(this.store.dirOf(params.id), params.log === 'qemu' ? 'qemu.log' : 'serial.log')
    return { lines: await logTail(file, params.lines, { wholeFile: params.log === 'serial' }) }
  }

  // ── stats ───────────────────────────────────────────────────────────────────────────

  private startStats(): void {
    const previous = new Map<string, { ticks: number; at: number }>()
    this.statsTimer = setInterval(() => {
      if (this.listenerCount('vmStats') === 0) return
      void this.store.list().then((vms) =>
        Promise.all(
          vms.map(async (vm) => {
            const usage = await this.supervisor.usage(vm.id)
            if (usage === null) return previous.delete(vm.id)
            const now = Date.now()
            const last = previous.get(vm.id)
            previous.set(vm.id, { ticks: usage.cpuTicks, at: now })
            if (last === undefined) return
            const cpuPercent = ((usage.cpuTicks - last.ticks) / 100 / ((now - last.at) / 1000)) * 100
            this.emit('vmStats', { id: vm.id, cpuPercent: Math.max(0, Math.round(cpuPercent)), memoryBytes: usage.rssBytes })
          }),
        ),
      )
    }, 2000)
    this.statsTimer.unref()
  }
}


/** Memory and vCPUs a VM may have on this host: refused, with the host's figures, beyond it. */
function checkFitsHost(host: HostReport, memoryMiB: number, cpus: number): void {
  if (memoryMiB > host.memory.totalMiB) {
    throw new VireoError(
      'INVALID_INPUT',
      `${memoryMiB} MiB of memory is more than this computer has (${host.memory.totalMiB} MiB).`,
      `Choose at most ${Math.floor(host.memory.totalMiB * 0.75)} MiB.`,
      { field: 'memoryMiB' },
    )
  }
  if (cpus > host.cpus) {
    throw new VireoError('INVALID_INPUT', `${cpus} vCPUs is more than this computer’s ${host.cpus} cores.`, `Choose at most ${host.cpus}.`, { field: 'cpus' })
  }
}
