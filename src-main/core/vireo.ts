// Over 300 lines: one short routing method per API method, kept in one place so that the map
// from the contract to the connections reads as one table, with the connections themselves (opened from the
// saved list or --connect, added, removed) beside it.
import { EventEmitter } from 'node:events'
import type { Backend, BackendEvents, BackendFactory } from './backends/backend'
import { actualBackend, deferredBackend } from './backends/deferred-backend'
import { LocalBackend } from './backends/local-backend'
import { changeConnections, readConnections } from './libvirt/connections-file'
import { libvirtMessages } from './libvirt/libvirt-messages'
import { parseLibvirtUri, uriNamesProgram } from './libvirt/virsh'
import { ConsoleServer } from './console/console-server'
import { ConsoleTokens } from './console/console-tokens'
import { msg, toErrorInfo, VireoError, type ErrorInfo } from './errors'
import { browse, browseRoots } from './files/file-browser'
import { inspectIso, listIsoCandidates } from './os/iso-inspection'
import type { VireoPaths } from './paths'
import { SettingsService } from './settings-service'
import type {
  BrowseFilesRequest,
  CloneVmRequest,
  ConnectionRef,
  ConnectionUriRequest,
  CreateVmRequest,
  DeleteVmRequest,
  MigrateVmRequest,
  HostCheckRequest,
  InsertIsoRequest,
  InspectIsoRequest,
  LogTailRequest,
  ShutdownVmRequest,
  SnapshotRequest,
  UpdateSettingsRequest,
  UpdateVmRequest,
  AddDiskRequest,
  RemoveDiskRequest,
  VmRef,
} from './requests'
import type {
  BrowseResult,
  ConnectionInfo,
  ConsoleEndpoint,
  DeleteResult,
  HostReport,
  IsoInspection,
  LogTail,
  Screenshot,
  SettingsInfo,
  VireoEvents,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmSummary,
} from './types'
import type { Supervisor } from './vms/supervisor'
import type { VmStore } from './vms/vm-store'

type EventMap = { [E in keyof VireoEvents]: [VireoEvents[E]] }

/** The connection every request names unless it names another: Vireo's own VMs. */
export const LOCAL = 'local'

/** A request as the core takes it: `connection` may be left out, meaning `local`. */
type Addressed<T> = Omit<T, 'connection'> & Partial<ConnectionRef>

export interface VireoOptions {
  paths: VireoPaths
  /** Long-lived front ends follow QMP events; the CLI does not. */
  watch: boolean
  /** Connections beside `local`, listed after it (tests: a second local folder). */
  connections?: BackendFactory[]
  /**
   * The file of the libvirt connections a user added (libvirt/connections-file.ts): opened
   * at attach, written by addConnection and removeConnection. None: no saved connections.
   */
  connectionsFile?: string
  /** Whose settings file and overrides (XDG_CONFIG_HOME, VIREO_HOME, …); default process.env. */
  env?: NodeJS.ProcessEnv
}

/**
 * The core's one entry point: every API method, routed to the backend of the connection it
 * names (`local` unless it names another; see backends/backend.ts), plus what is the same for
 * every connection: the console tokens and bridge, and this computer's ISOs and files. Each
 * method takes the core's request type (core/requests.ts), which the contract's validated
 * params match; transports never reach past this object.
 */
export class Vireo extends EventEmitter<EventMap> {
  /** The `local` connection: Vireo's own VMs, QEMU spawned by us. */
  readonly local: LocalBackend
  readonly consoleTokens = new ConsoleTokens()
  /** Console WebSockets (`/console/<connection>%2F<id>?token=…`) bridged to each VM's VNC. */
  readonly consoleBridge = new ConsoleServer({ tokens: this.consoleTokens })
  private readonly backends = new Map<string, Backend>()
  /** Why a connection's last listing failed, shown on it (see listConnections). */
  private readonly listingErrors = new Map<string, ErrorInfo>()
  private consoleOrigin = ''
  private readonly events: BackendEvents
  private readonly connectionsFile: string | undefined
  private readonly watch: boolean
  /** The shared settings file ($XDG_CONFIG_HOME/vireo/settings.json); see settings-service. */
  readonly settings: SettingsService
  private readonly env: NodeJS.ProcessEnv

  constructor(options: VireoOptions) {
    super()
    this.connectionsFile = options.connectionsFile
    this.watch = options.watch
    const events: BackendEvents = (this.events = {
      emit: (event, payload) => (this.emit as (e: string, p: unknown) => boolean)(event, payload),
      wanted: (event) => this.listenerCount(event) > 0,
    })
    this.local = new LocalBackend({ id: LOCAL, paths: options.paths, watch: options.watch, events })
    this.backends.set(LOCAL, this.local)
    this.env = options.env ?? process.env
    this.settings = new SettingsService({ env: this.env, vmFolderInUse: options.paths.home })
    this.settings.on('changed', (info) => this.emit('settingsChanged', info))
    for (const make of options.connections ?? []) {
      const backend = make(events)
      const { id } = backend.info()
      if (this.backends.has(id)) throw new VireoError('ALREADY_EXISTS', msg('error.connection.duplicate', { id }), msg('error.connection.duplicateHint'))
      this.backends.set(id, backend)
    }
  }

  /** The local connection's VM store (tests and harnesses reach its folders). */
  get store(): VmStore {
    return this.local.store
  }

  /** The local connection's supervisor (tests reach its QEMUs). */
  get supervisor(): Supervisor {
    return this.local.supervisor
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
   * Attaches every connection (VMs left running are followed again). The local one failing
   * (its data folder unreadable) is an error, as it always was; another's stops nothing: it
   * says so in its own info() and its next listing.
   */
  async attachRunning(): Promise<void> {
    await this.openSaved()
    const others = [...this.backends.values()].filter((b) => b !== this.local)
    await Promise.all([this.local.attach(), ...others.map((b) => b.attach().catch(() => undefined))])
  }

  dispose(): void {
    for (const backend of this.backends.values()) backend.dispose()
  }

  /** The backend of the connection `params` names (default `local`), and the request with it. */
  private route<T extends Partial<ConnectionRef>>(params: T): [Backend, T & ConnectionRef] {
    const connection = params.connection ?? LOCAL
    const backend = this.backends.get(connection)
    if (backend === undefined) {
      throw new VireoError(
        'NOT_FOUND',
        msg('error.connection.unknown', { connection }),
        msg('error.connection.unknownHint', { connections: [...this.backends.keys()].join(', '), local: LOCAL }),
        { field: 'connection' },
      )
    }
    return [backend, { ...params, connection }]
  }

  // ── connections and host ────────────────────────────────────────────────────────────

  /** Opens the saved libvirt connections (not attached: attachRunning or the first call does). */
  async openSaved(): Promise<void> {
    if (this.connectionsFile === undefined) return
    for (const uri of await readConnections(this.connectionsFile)) {
      try {
        this.open(uri)
      } catch {
        // a hand-edited entry Vireo cannot use: skipped here, refused when added
      }
    }
  }

  /**
   * A libvirt connection for this session (`vireo --connect URI`), not saved; the one already
   * open for `uri` if there is one. Its id is its URI.
   */
  open(uri: string): Backend {
    const known = this.backends.get(uri)
    if (known !== undefined) return known
    parseLibvirtUri(uri)
    const { watch, events } = this
    // A local libvirt runs its guests on this computer: `auto` follows Vireo's own KVM probe.
    const localAccel = async () => (await this.local.hostCheck({ refresh: false })).accel
    const backend = deferredBackend(
      { id: uri, kind: 'libvirt', uri, label: uri, state: 'disconnected', error: null },
      async () => new (await import('./backends/libvirt-backend')).LibvirtBackend({ uri, watch, events, localAccel }),
    )
    this.backends.set(uri, backend)
    return backend
  }

  /** Adds a libvirt connection to the saved list and opens it; its state says if it connected. */
  async addConnection(params: ConnectionUriRequest): Promise<ConnectionInfo> {
    const { uri } = params
    parseLibvirtUri(uri)
    if (uriNamesProgram(uri)) throw libvirtMessages.commandParam(uri)
    if (this.connectionsFile === undefined) {
      if (this.backends.has(uri)) throw libvirtMessages.connectionExists(uri)
    } else {
      await changeConnections(this.connectionsFile, (saved) => {
        if (saved.includes(uri)) throw libvirtMessages.connectionExists(uri)
        return [...saved, uri]
      })
    }
    const backend = this.open(uri)
    await backend.attach().catch(() => undefined)
    const info = backend.info()
    this.emit('connectionChanged', info)
    return info
  }

  /** Closes a libvirt connection and takes it off the saved list (its VMs are left as they are). */
  async removeConnection(params: ConnectionUriRequest): Promise<ConnectionInfo[]> {
    const { uri } = params
    const backend = this.backends.get(uri)
    const saved = this.connectionsFile === undefined ? [] : await readConnections(this.connectionsFile)
    if (uri === LOCAL || (backend === undefined && !saved.includes(uri))) throw libvirtMessages.noSuchConnection(uri)
    if (this.connectionsFile !== undefined && saved.includes(uri)) {
      await changeConnections(this.connectionsFile, (now) => now.filter((u) => u !== uri))
    }
    if (backend !== undefined) {
      backend.dispose()
      this.backends.delete(uri)
      this.listingErrors.delete(uri)
      this.emit('connectionChanged', { ...backend.info(), state: 'disconnected', error: null })
    }
    return this.listConnections()
  }

  async listConnections(): Promise<ConnectionInfo[]> {
    return [...this.backends.values()].map((backend) => {
      const info = backend.info()
      return { ...info, error: info.error ?? this.listingErrors.get(info.id) ?? null }
    })
  }

  async hostCheck(params: Addressed<HostCheckRequest & ConnectionRef>): Promise<HostReport> {
    const [backend, request] = this.route(params)
    return backend.hostCheck(request)
  }

  // ── VMs ─────────────────────────────────────────────────────────────────────────────

  /**
   * One connection's VMs, or every connection's (`local` first). Listing every connection, one
   * that fails is reported on the connection (listConnections, connectionChanged) and the
   * others are listed; only when all fail is it an error.
   */
  async listVms(params: Partial<ConnectionRef> = {}): Promise<VmSummary[]> {
    if (params.connection !== undefined) {
      const [backend] = this.route(params)
      return this.listOne(backend)
    }
    const lists = await Promise.allSettled([...this.backends.values()].map((b) => this.listOne(b)))
    const failed = lists.find((r) => r.status === 'rejected')
    if (failed !== undefined && lists.every((r) => r.status === 'rejected')) throw failed.reason
    return lists.flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
  }

  /** A connection's VMs; a change in whether its listing fails is announced on it. */
  private async listOne(backend: Backend): Promise<VmSummary[]> {
    const { id } = backend.info()
    const before = this.listingErrors.has(id)
    try {
      const vms = await backend.listVms()
      this.listingErrors.delete(id)
      return vms
    } catch (error) {
      this.listingErrors.set(id, toErrorInfo(error))
      throw error
    } finally {
      if (before !== this.listingErrors.has(id)) {
        const info = backend.info()
        this.emit('connectionChanged', { ...info, error: info.error ?? this.listingErrors.get(id) ?? null })
      }
    }
  }

  async getVm(params: Addressed<VmRef>): Promise<VmDetails> {
    const [backend, ref] = this.route(params)
    return backend.getVm(ref)
  }

  async previewVm(params: Addressed<CreateVmRequest>): Promise<VmPreview> {
    const [backend, request] = this.route(params)
    return backend.previewVm(request)
  }

  async createVm(params: Addressed<CreateVmRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    return backend.createVm(request)
  }

  async updateVm(params: Addressed<UpdateVmRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    return backend.updateVm(request)
  }

  async addDisk(params: Addressed<AddDiskRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    return backend.addDisk(request)
  }

  async removeDisk(params: Addressed<RemoveDiskRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    return backend.removeDisk(request)
  }

  async cloneVm(params: Addressed<CloneVmRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    return backend.cloneVm(request)
  }

  /** Moves a stopped VM with its disks to another libvirt connection; the VM as it is there. */
  async migrateVm(params: Addressed<MigrateVmRequest>): Promise<VmDetails> {
    const [backend, request] = this.route(params)
    const [target] = this.route({ connection: params.toConnection })
    return backend.migrateVm(request, await actualBackend(target))
  }

  async deleteVm(params: Addressed<DeleteVmRequest>): Promise<DeleteResult> {
    const [backend, request] = this.route(params)
    return backend.deleteVm(request)
  }

  // ── snapshots ───────────────────────────────────────────────────────────────────────

  async listSnapshots(params: Addressed<VmRef>): Promise<VmSnapshot[]> {
    const [backend, ref] = this.route(params)
    return backend.listSnapshots(ref)
  }

  async takeSnapshot(params: Addressed<SnapshotRequest>): Promise<VmSnapshot[]> {
    const [backend, request] = this.route(params)
    return backend.takeSnapshot(request)
  }

  async revertSnapshot(params: Addressed<SnapshotRequest>): Promise<VmSnapshot[]> {
    const [backend, request] = this.route(params)
    return backend.revertSnapshot(request)
  }

  async deleteSnapshot(params: Addressed<SnapshotRequest>): Promise<VmSnapshot[]> {
    const [backend, request] = this.route(params)
    return backend.deleteSnapshot(request)
  }

  // ── power ───────────────────────────────────────────────────────────────────────────

  async startVm(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.startVm(ref)
  }

  async shutdownVm(params: Addressed<ShutdownVmRequest>): Promise<VmSummary> {
    const [backend, request] = this.route(params)
    return backend.shutdownVm(request)
  }

  async forceOffVm(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.forceOffVm(ref)
  }

  async rebootVm(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.rebootVm(ref)
  }

  async pauseVm(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.pauseVm(ref)
  }

  async resumeVm(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.resumeVm(ref)
  }

  // ── media, screen, console, logs ────────────────────────────────────────────────────

  async ejectIso(params: Addressed<VmRef>): Promise<VmSummary> {
    const [backend, ref] = this.route(params)
    return backend.ejectIso(ref)
  }

  async insertIso(params: Addressed<InsertIsoRequest>): Promise<VmSummary> {
    const [backend, request] = this.route(params)
    return backend.insertIso(request)
  }

  async screenshot(params: Addressed<VmRef>): Promise<Screenshot> {
    const [backend, ref] = this.route(params)
    return backend.screenshot(ref)
  }

  /** A single-use console path for the VM, whichever connection it is on; the bridge is ours. */
  async consoleEndpoint(params: Addressed<VmRef>): Promise<ConsoleEndpoint> {
    const [backend, ref] = this.route(params)
    const target = await backend.consoleTarget(ref)
    const key = consoleKey(ref)
    const { token, expiresAt } = this.consoleTokens.issue(key, target)
    return { path: this.consoleOrigin + this.consoleBridge.consolePath(key, token), expiresAt: new Date(expiresAt).toISOString() }
  }

  async logTail(params: Addressed<LogTailRequest>): Promise<LogTail> {
    const [backend, request] = this.route(params)
    return backend.logTail(request)
  }

  // ── this computer's files (where the front end runs) ────────────────────────────────

  async inspectIso(params: InspectIsoRequest): Promise<IsoInspection> {
    return inspectIso(params.path)
  }

  async listIsoCandidates(): Promise<IsoInspection[]> {
    return listIsoCandidates(browseRoots(this.env))
  }

  async browseFiles(params: BrowseFilesRequest): Promise<BrowseResult> {
    return browse(params.dir, browseRoots(this.env))
  }

  // ── settings ────────────────────────────────────────────────────────────────────────

  async getSettings(): Promise<SettingsInfo> {
    return this.settings.get()
  }

  /** Changes some settings; every window and tab hears `settingsChanged`. */
  async updateSettings(params: UpdateSettingsRequest): Promise<SettingsInfo> {
    return this.settings.update(params.changes)
  }
}

/** The console bridge's name for a VM: its connection and id (`local/vm-…`, one path segment encoded). */
export function consoleKey(ref: VmRef): string {
  return `${ref.connection}/${ref.id}`
}
