/**
 * What each of the core's methods takes: plain TypeScript, the core's own declaration. The
 * API's zod schemas (src-main/api/contract.ts) validate what comes in from outside and are
 * checked at compile time to produce exactly these shapes, so the two cannot drift apart.
 */
import type { SettingsChanges } from './settings-types'
import type { AccelChoice, BootDevice, DiskBus, DiskFormat, Firmware, NicModel, PortForward, RtcBase } from './vms/config'

/** A connection, by its id (`local`: Vireo's own VMs on this computer). See backends/backend.ts. */
export interface ConnectionRef {
  connection: string
}

/** A VM, by the connection it is on and its id there (two connections may share an id). */
export interface VmRef extends ConnectionRef {
  id: string
}

/** A libvirt connection, by its URI (which is also its id). */
export interface ConnectionUriRequest {
  uri: string
}

export interface HostCheckRequest {
  /** Probe again rather than answer from the last report. */
  refresh: boolean
}

export type ImportFormat = 'qcow2' | 'raw' | 'vmdk' | 'vdi'

export type VmSource =
  | { kind: 'iso'; path: string }
  | { kind: 'import'; path: string; format?: ImportFormat }
  | { kind: 'none' }

export interface CreateVmRequest extends ConnectionRef {
  /** The id `previewVm` chose, so that the VM made is the one the review showed; new if left out. */
  id?: string
  name: string
  source: VmSource
  /** Size of the new disk, as `20G` or `512M` (ignored when importing). */
  diskSize?: string
  diskFormat: DiskFormat
  memoryMiB?: number
  cpus?: number
  firmware?: Firmware
  accel: AccelChoice
  portForwards: PortForward[]
  /** For a Windows ISO: a virtio-win drivers ISO for the second CD drive (then virtio disk and NIC). */
  driversIso?: string | null
  /** Start the VM as soon as it is made (the wizard's default). */
  start: boolean
}

export interface VmChanges {
  name?: string
  memoryMiB?: number
  cpus?: number
  firmware?: Firmware
  accel?: AccelChoice
  bootOrder?: BootDevice[]
  cdrom?: string | null
  portForwards?: PortForward[]
  /** New size of the first disk; it can only grow. */
  diskSize?: string
  /** Each disk's bus, in the disks' order (one for each disk). */
  diskBuses?: DiskBus[]
  nicModel?: NicModel
  /** The second CD drive's ISO (e.g. virtio-win drivers), or null for no second drive. */
  secondCdrom?: string | null
  rtc?: RtcBase
  tablet?: boolean
  hyperv?: boolean
  /** A TPM 2.0 (swtpm); its state stays in the VM's folder when switched off. */
  tpm?: boolean
  /** UEFI Secure Boot (firmware must be 'uefi'). */
  secureBoot?: boolean
}

/** A disk for a stopped VM: a new image of `size`, or the `existing` image file (kept where it is). */
export interface AddDiskRequest extends VmRef {
  size?: string
  existing?: string
  bus: DiskBus
  /** The new image's format (ignored for an existing file, whose format is read). */
  format: DiskFormat
}

export interface RemoveDiskRequest extends VmRef {
  /** Which disk, from 0 in the definition's order. */
  index: number
  /** Delete its image file too (never done unless asked). */
  deleteFile: boolean
}

export interface UpdateVmRequest extends VmRef {
  changes: VmChanges
}

export interface CloneVmRequest extends VmRef {
  name: string
}

/** Moves a stopped VM, with its disks, to another libvirt connection (by its id, the URI). */
export interface MigrateVmRequest extends VmRef {
  toConnection: string
}

export interface DeleteVmRequest extends VmRef {
  deleteDisks: boolean
}

export interface SnapshotRequest extends VmRef {
  name: string
}

export interface ShutdownVmRequest extends VmRef {
  timeoutSec: number
}

export interface InsertIsoRequest extends VmRef {
  path: string
}

export interface InspectIsoRequest {
  path: string
}

export interface BrowseFilesRequest {
  dir?: string
}

export interface LogTailRequest extends VmRef {
  log: 'qemu' | 'serial'
  lines: number
}

export interface UpdateSettingsRequest {
  /** Only the keys to change; null puts a key back to its default. */
  changes: SettingsChanges
}

/** Each method's request, by method name: what `Vireo` takes, and what the contract must produce. */
export interface VireoRequests {
  /** The host report of one connection's host. */
  hostCheck: HostCheckRequest & ConnectionRef
  /** One connection's VMs, or (without one) every connection's. */
  listVms: Partial<ConnectionRef>
  listConnections: Record<string, never>
  addConnection: ConnectionUriRequest
  removeConnection: ConnectionUriRequest
  getVm: VmRef
  createVm: CreateVmRequest
  previewVm: CreateVmRequest
  updateVm: UpdateVmRequest
  addDisk: AddDiskRequest
  removeDisk: RemoveDiskRequest
  cloneVm: CloneVmRequest
  migrateVm: MigrateVmRequest
  deleteVm: DeleteVmRequest
  listSnapshots: VmRef
  takeSnapshot: SnapshotRequest
  revertSnapshot: SnapshotRequest
  deleteSnapshot: SnapshotRequest
  startVm: VmRef
  shutdownVm: ShutdownVmRequest
  forceOffVm: VmRef
  rebootVm: VmRef
  pauseVm: VmRef
  resumeVm: VmRef
  ejectIso: VmRef
  insertIso: InsertIsoRequest
  screenshot: VmRef
  inspectIso: InspectIsoRequest
  listIsoCandidates: Record<string, never>
  browseFiles: BrowseFilesRequest
  consoleEndpoint: VmRef
  logTail: LogTailRequest
  getSettings: Record<string, never>
  updateSettings: UpdateSettingsRequest
}
