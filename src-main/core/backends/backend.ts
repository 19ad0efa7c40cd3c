import type {
  CloneVmRequest,
  CreateVmRequest,
  DeleteVmRequest,
  HostCheckRequest,
  InsertIsoRequest,
  LogTailRequest,
  MigrateVmRequest,
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
  VireoEvents,
  VmDetails,
  VmPreview,
  VmSnapshot,
  VmSummary,
} from '../types'
import type { VncEndpoint } from '../console/console-tokens'

/**
 * What one connection does for Vireo: the VMs of one place (Vireo's own folder with QEMU
 * spawned by us; next, a libvirt URI), each request already routed to it by `Vireo`. Every
 * VM it returns or announces carries its own connection id, so a backend needs no router to
 * be addressed. Small on purpose: what two backends need, nothing pluggable.
 */
export interface Backend {
  /** Its id, kind, where it is and its state now. */
  info(): ConnectionInfo

  /** Connects, finds what runs already (VMs left running), starts following events. */
  attach(): Promise<void>
  /** Lets go of everything it holds (QMP connections, timers, a libvirt link); VMs run on. */
  dispose(): void

  /** What the connection's host can run (for `local`, this computer). */
  hostCheck(params: HostCheckRequest): Promise<HostReport>

  listVms(): Promise<VmSummary[]>
  getVm(ref: VmRef): Promise<VmDetails>
  previewVm(params: CreateVmRequest): Promise<VmPreview>
  createVm(params: CreateVmRequest): Promise<VmDetails>
  updateVm(params: UpdateVmRequest): Promise<VmDetails>
  addDisk(params: AddDiskRequest): Promise<VmDetails>
  removeDisk(params: RemoveDiskRequest): Promise<VmDetails>
  cloneVm(params: CloneVmRequest): Promise<VmDetails>
  deleteVm(params: DeleteVmRequest): Promise<DeleteResult>
  /** Moves a stopped VM with its storage to `to` (another connection's backend); libvirt to libvirt only. */
  migrateVm(params: MigrateVmRequest, to: Backend): Promise<VmDetails>

  startVm(ref: VmRef): Promise<VmSummary>
  shutdownVm(params: ShutdownVmRequest): Promise<VmSummary>
  forceOffVm(ref: VmRef): Promise<VmSummary>
  rebootVm(ref: VmRef): Promise<VmSummary>
  pauseVm(ref: VmRef): Promise<VmSummary>
  resumeVm(ref: VmRef): Promise<VmSummary>

  ejectIso(ref: VmRef): Promise<VmSummary>
  insertIso(params: InsertIsoRequest): Promise<VmSummary>
  screenshot(ref: VmRef): Promise<Screenshot>
  /**
   * Where the VM's VNC console is reached, for the console bridge (which `Vireo` keeps, with
   * its tokens, for every connection): a UNIX socket here, or a stream the backend opens (a
   * console tunnelled over SSH). NOT_RUNNING when the VM has no console now.
   */
  consoleTarget(ref: VmRef): Promise<VncEndpoint>
  logTail(params: LogTailRequest): Promise<LogTail>

  listSnapshots(ref: VmRef): Promise<VmSnapshot[]>
  takeSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]>
  revertSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]>
  deleteSnapshot(params: SnapshotRequest): Promise<VmSnapshot[]>
}

/** How a backend tells `Vireo` what happens: its VMs' events, each payload naming its connection. */
export interface BackendEvents {
  emit<E extends keyof VireoEvents>(event: E, payload: VireoEvents[E]): void
  /** Whether anyone listens to `event` (a backend samples stats only while someone does). */
  wanted(event: keyof VireoEvents): boolean
}

/** Makes a backend that reports to `events`: how `Vireo` is given connections beside `local`. */
export type BackendFactory = (events: BackendEvents) => Backend
