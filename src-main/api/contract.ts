import { z } from 'zod'
import {
  accelChoiceSchema,
  bootDeviceSchema,
  diskBusSchema,
  diskFormatSchema,
  firmwareSchema,
  nicModelSchema,
  portForwardRequestSchema,
  rtcBaseSchema,
  snapshotNameSchema,
  vmIdSchema,
  vmNameSchema,
} from '../core/vms/config'
import type { VireoRequests } from '../core/requests'
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
} from '../core/types'

/**
 * The one declaration of Vireo's API: every method's params schema and result type, every
 * event's payload. The Electron bridge, the WebSocket host and the CLI are loops over this
 * table; an incoming call is validated here before it reaches the core.
 */
/**
 * A connection's id (`local`, Vireo's own VMs, unless a request names another; see
 * listConnections). Printable, no spaces: a libvirt URI may serve as one.
 */
export const connectionIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'A connection id is printable ASCII without spaces (see listConnections).')
const connection = connectionIdSchema.default('local')
/** A VM: the connection it is on (default `local`) and its id there. */
export const vmRef = z.object({ connection, id: vmIdSchema })
const id = vmRef
const path = z.string().min(1).max(4096)
const snapshot = vmRef.extend({ name: snapshotNameSchema })

export const createVmParams = z.object({
  /** Where the VM is made (default `local`). */
  connection,
  /** The id `previewVm` chose, so that the VM made is the one the review showed; new if left out. */
  id: vmIdSchema.optional(),
  name: vmNameSchema,
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('iso'), path }),
    z.object({ kind: z.literal('import'), path, format: z.enum(['qcow2', 'raw', 'vmdk', 'vdi']).optional() }),
    z.object({ kind: z.literal('none') }),
  ]),
  /** Size of the new disk, as `20G` or `512M` (ignored when importing). */
  diskSize: z.string().max(32).optional(),
  diskFormat: diskFormatSchema.default('qcow2'),
  memoryMiB: z.number().int().min(32).max(4 * 1024 * 1024).optional(),
  cpus: z.number().int().min(1).max(288).optional(),
  firmware: firmwareSchema.optional(),
  accel: accelChoiceSchema.default('auto'),
  portForwards: portForwardRequestSchema.default([]),
  /** For a Windows ISO: a virtio-win drivers ISO for the second CD drive (then virtio disk and NIC). */
  driversIso: path.nullable().optional(),
  /** Start the VM as soon as it is made (the wizard's default). */
  start: z.boolean().default(false),
})

export const updateVmParams = vmRef.extend({
  changes: z
    .object({
      name: vmNameSchema,
      memoryMiB: z.number().int().min(32).max(4 * 1024 * 1024),
      cpus: z.number().int().min(1).max(288),
      firmware: firmwareSchema,
      accel: accelChoiceSchema,
      bootOrder: z.array(bootDeviceSchema).min(1).max(2),
      cdrom: path.nullable(),
      portForwards: portForwardRequestSchema,
      /** New size of the first disk; it can only grow. */
      diskSize: z.string().max(32),
      /** Each disk's bus, in the disks' order (one for each disk). */
      diskBuses: z.array(diskBusSchema).max(8),
      nicModel: nicModelSchema,
      /** The second CD drive's ISO (e.g. virtio-win drivers), or null for no second drive. */
      secondCdrom: path.nullable(),
      rtc: rtcBaseSchema,
      tablet: z.boolean(),
      hyperv: z.boolean(),
      /** A TPM 2.0 (swtpm): only while the VM is stopped. */
      tpm: z.boolean(),
      /** UEFI Secure Boot, firmware 'uefi' only: only while the VM is stopped. */
      secureBoot: z.boolean(),
    })
    .partial()
    .strict(),
})

const absolutePath = path.refine((p) => p.startsWith('/'), { message: 'must be an absolute path' })
/** What updateSettings may change: any of settings.json's keys, null for its default. */
export const settingsChangesSchema = z
  .object({
    vmFolder: absolutePath.nullable(),
    isoFolders: z.array(absolutePath).max(64).nullable(),
    defaultAccel: z.enum(['auto', 'kvm', 'tcg']).nullable(),
    theme: z.enum(['system', 'light', 'dark']).nullable(),
    consoleReleaseChord: z.enum(['ctrl-alt', 'ctrl-shift', 'ctrl-alt-shift', 'right-ctrl']).nullable(),
    // connections are in settings.json too, changed by addConnection/removeConnection only.
  })
  .partial()
  .strict()

export const methods = {
  hostCheck: z.object({ connection, refresh: z.boolean().default(false) }),
  /** One connection's VMs; without `connection`, every connection's (a failing one is shown on it). */
  listVms: z.object({ connection: connectionIdSchema.optional() }),
  /** The connections VMs are served from, `local` first, each with its state and error. */
  listConnections: z.object({}),
  /** Adds a libvirt URI to the saved connections (shared by every front end) and opens it. */
  addConnection: z.object({ uri: z.string().min(1).max(2048) }),
  /** Closes a libvirt connection and takes it off the saved list; its VMs are left alone. */
  removeConnection: z.object({ uri: z.string().min(1).max(2048) }),
  getVm: id,
  createVm: createVmParams,
  previewVm: createVmParams,
  updateVm: updateVmParams,
  /** A disk for a stopped VM: a new image of `size`, or the `existing` image file (one of the two). */
  addDisk: vmRef
    .extend({
      size: z.string().max(32).optional(),
      existing: path.optional(),
      bus: diskBusSchema.default('virtio'),
      format: diskFormatSchema.default('qcow2'),
    })
    .refine((p) => (p.size === undefined) !== (p.existing === undefined), {
      message: 'Give size (a new image) or existing (an image file), one of the two.',
      path: ['size'],
    }),
  /** Takes disk `index` off a stopped VM; its file is deleted only with deleteFile. */
  removeDisk: vmRef.extend({ index: z.number().int().min(0).max(7), deleteFile: z.boolean().default(false) }),
  /** A full copy of a stopped VM, under a new name. */
  cloneVm: vmRef.extend({ name: vmNameSchema }),
  deleteVm: vmRef.extend({ deleteDisks: z.boolean().default(false) }),
  /** Moves a stopped VM with its disks to another libvirt connection (FAULTS 39: all or nothing). */
  migrateVm: vmRef.extend({ toConnection: connectionIdSchema }),
  listSnapshots: id,
  takeSnapshot: snapshot,
  revertSnapshot: snapshot,
  deleteSnapshot: snapshot,
  startVm: id,
  shutdownVm: vmRef.extend({ timeoutSec: z.number().int().min(1).max(3600).default(60) }),
  forceOffVm: id,
  rebootVm: id,
  pauseVm: id,
  resumeVm: id,
  ejectIso: id,
  insertIso: vmRef.extend({ path }),
  screenshot: id,
  inspectIso: z.object({ path }),
  listIsoCandidates: z.object({}),
  browseFiles: z.object({ dir: path.optional() }),
  consoleEndpoint: id,
  logTail: vmRef.extend({
    log: z.enum(['qemu', 'serial']),
    lines: z.number().int().min(1).max(2000).default(200),
  }),
  /** The shared settings file: its values, where it is, which an environment variable overrides. */
  getSettings: z.object({}),
  /** Changes some settings (null: back to the default); refused while the file is broken. */
  updateSettings: z.object({ changes: settingsChangesSchema }),
} as const

export type MethodName = keyof typeof methods
export type Params<M extends MethodName> = z.output<(typeof methods)[M]>

/**
 * The core declares what each method takes (core/requests.ts); a schema here must produce
 * exactly that shape, each way assignable, or this fails to typecheck, naming the method.
 */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Drifted = { [M in MethodName]: SameShape<Params<M>, VireoRequests[M]> extends true ? never : M }[MethodName]
export const paramsMatchCore: [Drifted] extends [never] ? true : { drifted: Drifted } = true
/** What a caller may send: defaults filled in by the schema may be left out. */
export type Input<M extends MethodName> = z.input<(typeof methods)[M]>

export interface Results {
  hostCheck: HostReport
  listVms: VmSummary[]
  listConnections: ConnectionInfo[]
  /** The connection added, with its state (`failed` and why, if it could not connect). */
  addConnection: ConnectionInfo
  /** The connections left. */
  removeConnection: ConnectionInfo[]
  getVm: VmDetails
  createVm: VmDetails
  /** What Create would make and start: its id, its command line, or what would stop it. */
  previewVm: VmPreview
  updateVm: VmDetails
  addDisk: VmDetails
  removeDisk: VmDetails
  cloneVm: VmDetails
  deleteVm: DeleteResult
  migrateVm: VmDetails
  /** Each of these answers with the VM's snapshots, oldest first, as they now are. */
  listSnapshots: VmSnapshot[]
  takeSnapshot: VmSnapshot[]
  revertSnapshot: VmSnapshot[]
  deleteSnapshot: VmSnapshot[]
  startVm: VmSummary
  shutdownVm: VmSummary
  forceOffVm: VmSummary
  rebootVm: VmSummary
  pauseVm: VmSummary
  resumeVm: VmSummary
  ejectIso: VmSummary
  insertIso: VmSummary
  /** A PNG, base64-encoded. */
  screenshot: Screenshot
  inspectIso: IsoInspection
  listIsoCandidates: IsoInspection[]
  browseFiles: BrowseResult
  consoleEndpoint: ConsoleEndpoint
  logTail: LogTail
  getSettings: SettingsInfo
  updateSettings: SettingsInfo
}

export type Result<M extends MethodName> = Results[M]

/** Every event's payload: the core's events (core/types.ts), as they are. */
export type Events = VireoEvents
export type EventName = keyof Events

export const eventNames: readonly EventName[] = ['vmChanged', 'vmRemoved', 'vmReset', 'vmStats', 'jobProgress', 'connectionChanged', 'settingsChanged']

/** What a transport calls: the core's implementation of every method. */
export type ApiHandlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> }

/** What a front end holds: one client, whatever the transport. */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: Input<M>): Promise<Result<M>>
  subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}
