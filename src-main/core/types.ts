/**
 * What the core produces for its callers: plain, serialisable types (no Node, no DOM). The
 * API carries them as they are; `src-main/api/types.ts` re-exports them for the front ends.
 */
import type { ErrorInfo } from './errors'
import type { SettingsInfo } from './settings-types'
import type { VmRef } from './requests'
import type { AccelChoice, DiskBus, DiskFormat, Firmware, NicModel, RtcBase, VmConfig } from './vms/config'
import type { PauseRecord, StopRecord, VmState } from './vms/vm-state'

export type { HostReport } from './host/types'
export type { SettingKey, SettingOverride, SettingsChanges, SettingsInfo, SettingsValues } from './settings-types'
/** A snapshot of a VM's disks (one per disk, under one name). */
import type { ImageSnapshot } from './images/types'

/** A VM's snapshot: its disks' (and, taken while it ran, its memory and devices). */
export interface VmSnapshot extends ImageSnapshot {
  /**
   * Whether it holds the VM's TPM state: taken with memory of a VM with a TPM (QEMU saves the
   * emulated TPM with the other devices). A disk-only snapshot leaves the TPM as it is.
   */
  tpmState: boolean
}

export interface OsInfo {
  id: string
  name: string
}

/**
 * A connection Vireo serves VMs from: `local` (its own VMs, QEMU spawned by Vireo) and, beside
 * it, others (a libvirt URI). A connection that fails says so here, never by hiding the others.
 */
export interface ConnectionInfo {
  /** What requests name it by (`connection` in every VM reference). `local` is always there. */
  id: string
  kind: 'local' | 'libvirt'
  /** Where it is: a libvirt URI, or `vireo://<VIREO_HOME>` for Vireo's own. */
  uri: string
  /** In English, for the CLI; a UI words it from kind and uri. */
  label: string
  state: 'connecting' | 'connected' | 'disconnected' | 'failed'
  /** Why it is not connected, or why its last listing failed; null when all is well. */
  error: ErrorInfo | null
}

export interface VmSummary {
  /** The connection the VM is on: with `id`, what names it in every request. */
  connection: string
  id: string
  name: string
  /** Why the definition cannot be loaded; null for a healthy VM. */
  broken: string | null
  os: OsInfo | null
  state: VmState
  memoryMiB: number
  cpus: number
  accel: AccelChoice
  /** The accelerator of the running QEMU. */
  accelInUse: 'kvm' | 'tcg' | null
  firmware: Firmware
  cdrom: string | null
  startedAt: string | null
  lastStop: StopRecord | null
  pause: PauseRecord | null
  /** A TPM 2.0 and Secure Boot, as the definition says. */
  tpm: boolean
  secureBoot: boolean
  /** Helpers of the running VM (swtpm) that died: the guest has lost them until it restarts. */
  helpersDown: string[]
}

export interface DiskDetails {
  path: string
  format: DiskFormat
  bus: string
  virtualBytes: number | null
  actualBytes: number | null
  /**
   * The files this disk reads through its backing chain, top first (qemu-img info): an image
   * whose backing file is a host file would expose that file to the guest. Empty for none.
   */
  backingFiles?: string[]
}

/** What the guest agent says about a guest; `connected: false` when it does not answer. */
export interface GuestAgentInfo {
  connected: boolean
  /** The guest's IP addresses (loopback left out), as "address/prefix". */
  ipAddresses: string[]
  /** The guest's own name for its OS (pretty-name, else name and version), or null. */
  os: string | null
}

export interface VmDetails extends VmSummary {
  dir: string
  config: VmConfig | null
  disks: DiskDetails[]
  /** The QEMU command line this VM runs with, or would start with; null when it cannot start. */
  argv: string[] | null
  /** What would stop a start now (a missing disk or ISO, KVM or OVMF unavailable). */
  launchProblems: ErrorInfo[]
  /**
   * What the guest agent says of a running guest (its addresses and OS); absent when the VM
   * is not running or the backend has no agent channel.
   */
  guestAgent?: GuestAgentInfo
}

/** What Create would make and start: its id, its command line, or what would stop it. */
export interface VmPreview {
  id: string
  argv: string[] | null
  problems: ErrorInfo[]
  diskPath: string
}

export interface DeleteResult {
  deleted: true
  keptDisks: string[]
}

/** A PNG, base64-encoded, with its size in pixels. */
export interface Screenshot {
  png: string
  width: number
  height: number
}

export interface LogTail {
  lines: string[]
}

/**
 * What a Windows guest wants: devices its installer drives without extra drivers (SATA, an
 * Intel e1000e NIC; virtio once the virtio-win ISO is attached), a clock in local time, Hyper-V
 * enlightenments (under KVM). `tpm` and `secureBoot` are data for the TPM/Secure Boot work
 * beside this one; nothing reads them yet (the lead wires them into the config at merge).
 */
export interface OsHardware {
  diskBus: DiskBus
  nicModel: NicModel
  rtc: RtcBase
  hyperv: boolean
  tablet: boolean
  /** Windows' drivers are on a second CD: attach a virtio-win ISO and use virtio instead. */
  virtioDriversIso: boolean
  tpm?: boolean
  secureBoot?: boolean
}

export interface IsoInspection {
  path: string
  sizeBytes: number
  label: string | null
  os: OsInfo | null
  recommended: {
    memoryMiB: number
    cpus: number
    diskGiB: number
    firmware: Firmware
    /** What an OS needs beyond a Linux guest's defaults (Windows: SATA, e1000e, local time…). */
    hardware?: OsHardware
  }
  /** A virtio-win drivers ISO found in the ISO folders, for a Windows installer; null if none. */
  driversIso?: string | null
}

export interface FileEntry {
  name: string
  path: string
  kind: 'dir' | 'file'
  sizeBytes: number
}

export interface BrowseResult {
  dir: string
  parent: string | null
  roots: string[]
  entries: FileEntry[]
}

export interface ConsoleEndpoint {
  /** Path and query of the console WebSocket on the same host as the API (token included). */
  path: string
  expiresAt: string
}

export interface VmStats extends VmRef {
  cpuPercent: number
  memoryBytes: number
}

/**
 * How far a long copy has got: an import (`subject`: the image's path) or a clone (`subject`:
 * the id of the VM being copied). `percent` covers the whole job, all its disks; the last
 * event has `done`, and `error` when it failed.
 */
export interface JobProgress {
  /** The connection the job runs on. */
  connection: string
  jobId: string
  kind: 'import' | 'clone' | 'migrate'
  subject: string
  /** In English, for logs and the CLI; a UI words it from kind and subject. */
  label: string
  percent: number
  done: boolean
  error?: ErrorInfo
}

/** The events the core emits, by name, with their payloads (the API's events are these). */
export interface VireoEvents {
  /** A VM was created, changed, or changed state. */
  vmChanged: VmSummary
  vmRemoved: VmRef
  /** The guest reset (reboot): consoles may reconnect. */
  vmReset: VmRef
  vmStats: VmStats
  jobProgress: JobProgress
  /** A connection's state or error changed (a listing failed, a libvirt link went down). */
  connectionChanged: ConnectionInfo
  /** The settings file was changed (by any window, tab or the API); the settings as they now are. */
  settingsChanged: SettingsInfo
}
