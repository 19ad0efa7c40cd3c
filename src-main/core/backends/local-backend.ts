import { join } from 'node:path'
import { msg, VireoError } from '../errors'
import { HostService } from '../host/host-service'
import { pngSize } from '../images/png-size'
import type { VireoPaths } from '../paths'
import type {
  CloneVmRequest,
  CreateVmRequest,
  DeleteVmRequest,
  HostCheckRequest,
  InsertIsoRequest,
  LogTailRequest,
  ShutdownVmRequest,
  SnapshotRequest,
  UpdateVmRequest,
  AddDiskRequest,
  RemoveDiskRequest,
  VmRef,
} from '../requests'
import type {
  ConnectionInfo,
  DeleteResult,
  HostReport,
  LogTail,
  Screenshot,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmSummary,
} from '../types'
import { logTail } from '../vms/launch'
import { Supervisor, type VmRuntime } from '../vms/supervisor'
import { unlessDeleted } from '../vms/vm-checks'
import { VmProvisioning } from '../vms/vm-provisioning'
import { VmDisks } from '../vms/vm-disks'
import { VmSettings } from '../vms/vm-settings'
import { VmSnapshotService } from '../vms/vm-snapshot-service'
import { startStats } from '../vms/vm-stats'
import { VmStore } from '../vms/vm-store'
import { VmViews } from '../vms/vm-views'
import { libvirtMessages } from '../libvirt/libvirt-messages'
import type { Backend, BackendEvents } from './backend'
import type { VncEndpoint } from '../console/console-tokens'
import { vncWhenReady } from '../console/vnc-when-ready'

export interface LocalBackendOptions {
  /** The connection id its VMs carry: `local`, or another for a second folder (tests). */
  id: string
  paths: VireoPaths
  /** Long-lived front ends follow QMP events; the CLI does not. */
  watch: boolean
  events: BackendEvents
}

/** How long a console opened while its VM starts waits for QEMU's VNC socket: as long as a start may take (the supervisor's default). */
const START_TIMEOUT_MS = 30_000
/**
 * Vireo's own VMs: one folder per VM under VIREO_HOME, QEMU spawned and supervised by us.
 * Each method hands the request to the service that does the work (views, provisioning,
 * settings, snapshots, the host check; the supervisor for power).
 */
export class LocalBackend implements Backend {
  readonly store: VmStore
  readonly supervisor: Supervisor
  private readonly host: HostService
  private readonly views: VmViews
  private readonly provisioning: VmProvisioning
  private readonly settings: VmSettings
  private readonly disks: VmDisks
  private readonly snapshots: VmSnapshotService
  private readonly events: BackendEvents
  private stopStats: (() => void) | null = null
  private readonly announcing = new Map<string, Promise<unknown>>()

  constructor(private readonly options: LocalBackendOptions) {
    const { id: connection, paths, events } = options
    this.events = events
    this.store = new VmStore(paths.vms)
    this.host = new HostService(paths)
    this.supervisor = new Supervisor({
      runtimeRoot: paths.runtime,
      ...(paths.runtimeBase === undefined ? {} : { runtimeBase: paths.runtimeBase }),
      vmDirOf: (id) => this.store.dirOf(id),
      hostFacts: () => this.host.facts(),
      watch: options.watch,
    })
    this.views = new VmViews(this.store, this.supervisor, connection)
    const common = {
      store: this.store,
      supervisor: this.supervisor,
      announce: (id: string) => this.announce(id),
      start: (id: string) => this.startVm({ connection, id }),
    }
    this.provisioning = new VmProvisioning({
      ...common,
      host: this.host,
      views: this.views,
      progress: (job) => events.emit('jobProgress', { connection, ...job }),
      removed: (id) => events.emit('vmRemoved', { connection, id }),
    })
    this.settings = new VmSettings({ ...common, host: this.host, views: this.views })
    this.disks = new VmDisks({ ...common, views: this.views })
    this.snapshots = new VmSnapshotService(common)
    this.supervisor.on('state', (id, runtime) => this.announceState(id, runtime))
    this.supervisor.on('reset', (id) => events.emit('vmReset', { connection, id }))
  }

  info(): ConnectionInfo {
    const { id, paths } = this.options
    return {
      id,
      kind: 'local',
      uri: `vireo://${paths.home}`,
      label: id === 'local' ? 'This computer' : `This computer (${paths.home})`,
      state: 'connected',
      error: null,
    }
  }

  /**
   * Finds VMs left running by an earlier front end and follows them again, and clears what
   * cut-short creations and deletions left behind.
   */
  async attach(): Promise<void> {
    await this.store.sweepLeftovers().catch(() => [])
    await this.listVms()
    if (this.options.watch) {
      const connection = this.options.id
      this.stopStats = startStats({
        store: this.store,
        supervisor: this.supervisor,
        wanted: () => this.events.wanted('vmStats'),
        emit: (stats) => this.events.emit('vmStats', { connection, ...stats }),
      })
    }
  }

  dispose(): void {
    this.stopStats?.()
    this.supervisor.dispose()
  }

  private async announce(id: string): Promise<void> {
    this.events.emit('vmChanged', await this.views.current(id))
  }

  /**
   * A state change the supervisor reports, with the runtime it hands over (no need to ask it
   * again). Announced one after another per VM, so the last event says the last state.
   */
  private announceState(id: string, runtime: VmRuntime): void {
    const next = (this.announcing.get(id) ?? Promise.resolve())
      .then(async () => this.events.emit('vmChanged', await this.views.current(id, runtime)))
      .catch(() => {})
    this.announcing.set(id, next)
    void next.then(() => {
      if (this.announcing.get(id) === next) this.announcing.delete(id)
    })
  }

  hostCheck(params: HostCheckRequest): Promise<HostReport> {
    return this.host.check(params)
  }

  // ── VMs ─────────────────────────────────────────────────────────────────────────────

  listVms(): Promise<VmSummary[]> {
    return this.views.list()
  }

  getVm(ref: VmRef): Promise<VmDetails> {
    return this.views.details(ref.id)
  }

  previewVm(params: CreateVmRequest): Promise<VmPreview> {
    return this.provisioning.preview(params)
  }

  createVm(params: CreateVmRequest): Promise<VmDetails> {
    return this.provisioning.create(params)
  }

  updateVm(params: UpdateVmRequest): Promise<VmDetails> {
    return this.settings.update(params)
  }

  migrateVm(): Promise<VmDetails> {
    return Promise.reject(libvirtMessages.migrateNeedsLibvirt())
  }

  addDisk(params: AddDiskRequest): Promise<VmDetails> {
    return this.disks.add(params)
  }

  removeDisk(params: RemoveDiskRequest): Promise<VmDetails> {
    return this.disks.remove(params)
  }

  cloneVm(params: CloneVmRequest): Promise<VmDetails> {
    return this.provisioning.clone(params)
  }

  deleteVm(params: DeleteVmRequest): Promise<DeleteResult> {
    return this.provisioning.delete(params)
  }

  // ── power ───────────────────────────────────────────────────────────────────────────

  async startVm(ref: VmRef): Promise<VmSummary> {
    const config = await this.store.get(ref.id)
    const runtime = await this.supervisor.start(config).catch((error: unknown) => unlessDeleted(this.store, ref.id, error))
    return this.views.summary({ id: config.id, dir: this.store.dirOf(config.id), ok: true, config }, runtime)
  }

  async shutdownVm(params: ShutdownVmRequest): Promise<VmSummary> {
    await this.supervisor.shutdown(params.id, params.timeoutSec * 1000)
    return this.views.summaryOf(params.id)
  }

  async forceOffVm(ref: VmRef): Promise<VmSummary> {
    await this.supervisor.forceOff(ref.id)
    return this.views.summaryOf(ref.id)
  }

  async rebootVm(ref: VmRef): Promise<VmSummary> {
    await this.supervisor.reboot(ref.id)
    return this.views.summaryOf(ref.id)
  }

  async pauseVm(ref: VmRef): Promise<VmSummary> {
    await this.supervisor.pause(ref.id)
    return this.views.summaryOf(ref.id)
  }

  async resumeVm(ref: VmRef): Promise<VmSummary> {
    await this.supervisor.resume(ref.id)
    return this.views.summaryOf(ref.id)
  }

  // ── media, screen, console, logs ────────────────────────────────────────────────────

  ejectIso(ref: VmRef): Promise<VmSummary> {
    return this.settings.ejectIso(ref)
  }

  insertIso(params: InsertIsoRequest): Promise<VmSummary> {
    return this.settings.insertIso(params)
  }

  async screenshot(ref: VmRef): Promise<Screenshot> {
    const png = await this.supervisor.screenshot(ref.id)
    return { png: png.toString('base64'), ...pngSize(png) }
  }

  /**
   * The VM's VNC UNIX socket in its runtime folder. While the VM starts, a stream that connects
   * as soon as QEMU has bound it: a console opened then shows the first frame QEMU draws.
   */
  async consoleTarget(ref: VmRef): Promise<VncEndpoint> {
    const runtime = await this.supervisor.status(ref.id)
    if (runtime.state === 'stopped' || runtime.state === 'crashed') {
      throw new VireoError('NOT_RUNNING', msg('error.vm.noConsole'), msg('error.vm.startFirst'))
    }
    const socket = this.supervisor.vncSocket(ref.id)
    return runtime.state === 'starting' ? () => vncWhenReady(socket, { timeoutMs: START_TIMEOUT_MS }) : socket
  }

  async logTail(params: LogTailRequest): Promise<LogTail> {
    await this.store.get(params.id)
    const file = join(this.store.dirOf(params.id), params.log === 'qemu' ? 'qemu.log' : 'serial.log')
    return { lines: await logTail(file, params.lines, { wholeFile: params.log === 'serial' }) }
  }

  // ── snapshots (a stopped VM's disks; a running VM's disks, memory and devices) ────────

  listSnapshots(ref: VmRef): Promise<VmSnapshot[]> {
    return this.snapshots.list(ref)
  }

  takeSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.take(params)
  }

  revertSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.revert(params)
  }

  deleteSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.delete(params)
  }
}
