import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { ConsoleServer } from './console/console-server'
import { ConsoleTokens } from './console/console-tokens'
import { VireoError, msg } from './errors'
import { browse, browseRoots } from './files/file-browser'
import { HostService } from './host/host-service'
import { pngSize } from './images/png-size'
import { inspectIso, listIsoCandidates } from './os/iso-inspection'
import type { VireoPaths } from './paths'
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
  LogTail,
  Screenshot,
  VireoEvents,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmSummary,
} from './types'
import { logTail } from './vms/launch'
import { Supervisor, type VmRuntime } from './vms/supervisor'
import { unlessDeleted } from './vms/vm-checks'
import { VmProvisioning } from './vms/vm-provisioning'
import { VmSettings } from './vms/vm-settings'
import { VmSnapshotService } from './vms/vm-snapshot-service'
import { startStats } from './vms/vm-stats'
import { VmStore } from './vms/vm-store'
import { VmViews } from './vms/vm-views'

type EventMap = { [E in keyof VireoEvents]: [VireoEvents[E]] }

export interface VireoOptions {
  paths: VireoPaths
  /** Long-lived front ends follow QMP events; the CLI does not. */
  watch: boolean
}

/**
 * The core's one entry point: every API method, each handed to the service that does the
 * work (host, views, provisioning, settings, snapshots, the supervisor for power). Each
 * method takes the core's request type (core/requests.ts), which the contract's validated
 * params match; transports never reach past this object.
 */
export class Vireo extends EventEmitter<EventMap> {
  readonly store: VmStore
  readonly supervisor: Supervisor
  readonly consoleTokens = new ConsoleTokens()
  /** Console WebSockets (`/console/<id>?token=…`) bridged to each VM's VNC socket. */
  readonly consoleBridge = new ConsoleServer({ tokens: this.consoleTokens })
  private readonly host: HostService
  private readonly views: VmViews
  private readonly provisioning: VmProvisioning
  private readonly settings: VmSettings
  private readonly snapshots: VmSnapshotService
  private consoleOrigin = ''
  private stopStats: (() => void) | null = null
  private readonly announcing = new Map<string, Promise<unknown>>()

  constructor(private readonly options: VireoOptions) {
    super()
    this.store = new VmStore(options.paths.vms)
    this.host = new HostService(options.paths)
    this.supervisor = new Supervisor({
      runtimeRoot: options.paths.runtime,
      ...(options.paths.runtimeBase === undefined ? {} : { runtimeBase: options.paths.runtimeBase }),
      vmDirOf: (id) => this.store.dirOf(id),
      hostFacts: () => this.host.facts(),
      watch: options.watch,
    })
    this.views = new VmViews(this.store, this.supervisor)
    const common = {
      store: this.store,
      supervisor: this.supervisor,
      announce: (id: string) => this.announce(id),
      start: (id: string) => this.startVm({ id }),
    }
    this.provisioning = new VmProvisioning({
      ...common,
      host: this.host,
      views: this.views,
      progress: (job) => this.emit('jobProgress', job),
      removed: (id) => this.emit('vmRemoved', { id }),
    })
    this.settings = new VmSettings({ ...common, host: this.host, views: this.views })
    this.snapshots = new VmSnapshotService(common)
    this.supervisor.on('state', (id, runtime) => this.announceState(id, runtime))
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
    if (this.options.watch) {
      this.stopStats = startStats({
        store: this.store,
        supervisor: this.supervisor,
        wanted: () => this.listenerCount('vmStats') > 0,
        emit: (stats) => this.emit('vmStats', stats),
      })
    }
  }

  dispose(): void {
    this.stopStats?.()
    this.supervisor.dispose()
  }

  private async announce(id: string): Promise<void> {
    this.emit('vmChanged', await this.views.current(id))
  }

  /**
   * A state change the supervisor reports, with the runtime it hands over (no need to ask it
   * again). Announced one after another per VM, so the last event says the last state.
   */
  private announceState(id: string, runtime: VmRuntime): void {
    const next = (this.announcing.get(id) ?? Promise.resolve())
      .then(async () => this.emit('vmChanged', await this.views.current(id, runtime)))
      .catch(() => {})
    this.announcing.set(id, next)
    void next.then(() => {
      if (this.announcing.get(id) === next) this.announcing.delete(id)
    })
  }

  // ── host ────────────────────────────────────────────────────────────────────────────

  async hostCheck(params: HostCheckRequest): Promise<HostReport> {
    return this.host.check(params)
  }

  // ── VMs ─────────────────────────────────────────────────────────────────────────────

  async listVms(): Promise<VmSummary[]> {
    return this.views.list()
  }

  async getVm(params: VmRef): Promise<VmDetails> {
    return this.views.details(params.id)
  }

  async previewVm(params: CreateVmRequest): Promise<VmPreview> {
    return this.provisioning.preview(params)
  }

  async createVm(params: CreateVmRequest): Promise<VmDetails> {
    return this.provisioning.create(params)
  }

  async updateVm(params: UpdateVmRequest): Promise<VmDetails> {
    return this.settings.update(params)
  }

  async cloneVm(params: CloneVmRequest): Promise<VmDetails> {
    return this.provisioning.clone(params)
  }

  async deleteVm(params: DeleteVmRequest): Promise<DeleteResult> {
    return this.provisioning.delete(params)
  }

  // ── snapshots (a stopped VM's disks; a running VM's disks, memory and devices) ────────

  async listSnapshots(params: VmRef): Promise<VmSnapshot[]> {
    return this.snapshots.list(params)
  }

  async takeSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.take(params)
  }

  async revertSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.revert(params)
  }

  async deleteSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]> {
    return this.snapshots.delete(params)
  }

  // ── power ───────────────────────────────────────────────────────────────────────────

  async startVm(params: VmRef): Promise<VmSummary> {
    const config = await this.store.get(params.id)
    const runtime = await this.supervisor.start(config).catch((error: unknown) => unlessDeleted(this.store, params.id, error))
    return this.views.summary({ id: config.id, dir: this.store.dirOf(config.id), ok: true, config }, runtime)
  }

  async shutdownVm(params: ShutdownVmRequest): Promise<VmSummary> {
    await this.supervisor.shutdown(params.id, params.timeoutSec * 1000)
    return this.views.summaryOf(params.id)
  }

  async forceOffVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.forceOff(params.id)
    return this.views.summaryOf(params.id)
  }

  async rebootVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.reboot(params.id)
    return this.views.summaryOf(params.id)
  }

  async pauseVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.pause(params.id)
    return this.views.summaryOf(params.id)
  }

  async resumeVm(params: VmRef): Promise<VmSummary> {
    await this.supervisor.resume(params.id)
    return this.views.summaryOf(params.id)
  }

  // ── media, screen, console, logs ────────────────────────────────────────────────────

  async ejectIso(params: VmRef): Promise<VmSummary> {
    return this.settings.ejectIso(params)
  }

  async insertIso(params: InsertIsoRequest): Promise<VmSummary> {
    return this.settings.insertIso(params)
  }

  async screenshot(params: VmRef): Promise<Screenshot> {
    const png = await this.supervisor.screenshot(params.id)
    return { png: png.toString('base64'), ...pngSize(png) }
  }

  async inspectIso(params: InspectIsoRequest): Promise<IsoInspection> {
    return inspectIso(params.path)
  }

  async listIsoCandidates(): Promise<IsoInspection[]> {
    return listIsoCandidates()
  }

  async browseFiles(params: BrowseFilesRequest): Promise<BrowseResult> {
    return browse(params.dir, browseRoots())
  }

  async consoleEndpoint(params: VmRef): Promise<ConsoleEndpoint> {
    const runtime = await this.supervisor.status(params.id)
    if (runtime.state === 'stopped' || runtime.state === 'crashed') {
      throw new VireoError('NOT_RUNNING', msg('error.vm.noConsole'), msg('error.vm.startFirst'))
    }
    const { token, expiresAt } = this.consoleTokens.issue(params.id, this.supervisor.vncSocket(params.id))
    return { path: this.consoleOrigin + this.consoleBridge.consolePath(params.id, token), expiresAt: new Date(expiresAt).toISOString() }
  }

  async logTail(params: LogTailRequest): Promise<LogTail> {
    await this.store.get(params.id)
    const file = join(this.store.dirOf(params.id), params.log === 'qemu' ? 'qemu.log' : 'serial.log')
    return { lines: await logTail(file, params.lines, { wholeFile: params.log === 'serial' }) }
  }
}
