import { VireoError, msg } from '../errors'
import { listSnapshots, snapshotImage } from '../images/image-snapshots'
import type { ImageSnapshot } from '../images/types'
import type { VmSnapshot } from '../types'
import type { VmConfig } from './config'
import { liveSnapshot, type QmpCall } from './live-snapshots'
import { diskPath } from './qemu-args'

/**
 * A VM's snapshots: one qcow2 internal snapshot on each of its disks, under one name. Of a
 * stopped VM, qemu-img takes its disks' state; of a running one, QEMU takes its memory and
 * devices as well (see live-snapshots.ts). Neither holds the UEFI variables. A live one holds
 * the TPM's state (QEMU's emulator TPM saves swtpm's state in the vmstate); a disk-only one
 * does not, and reverting it leaves the TPM as it is.
 */

/** The VM a snapshot is of: `qmp` reaches its QEMU while it runs, and is null when stopped. */
export interface SnapshotTarget {
  config: VmConfig
  dir: string
  qmp: QmpCall | null
}

/** The snapshots every disk of the VM has, oldest first; none for a VM with a raw disk. */
export async function vmSnapshots(config: VmConfig, dir: string): Promise<VmSnapshot[]> {
  if (config.disks.length === 0 || config.disks.some((d) => d.format !== 'qcow2')) return []
  const [first, ...others] = await Promise.all(
    config.disks.map((disk) => listSnapshots(diskPath(disk, dir))),
  )
  return (first ?? [])
    .filter((s) => others.every((list) => list.some((o) => o.name === s.name)))
    .map((s) => ({ ...s, tpmState: config.tpm && s.vmStateBytes > 0 }))
}

/**
 * Takes snapshot `name` of every disk (and of a running VM, its memory). Of a stopped VM, if
 * one disk fails, the others' are deleted again.
 */
export async function takeVmSnapshot({ config, dir, qmp }: SnapshotTarget, name: string): Promise<void> {
  const disks = qcow2Disks(config, dir)
  if ((await vmSnapshots(config, dir)).some((s) => s.name === name)) {
    throw new VireoError('ALREADY_EXISTS', msg('error.snapshot.nameTaken', { vm: config.name, name }), msg('error.snapshot.nameTakenHint'), { field: 'name' })
  }
  if (qmp !== null) return liveSnapshot(qmp, 'save', name, disks.length)
  const done: string[] = []
  try {
    for (const disk of disks) {
      await snapshotImage(disk, 'take', name)
      done.push(disk)
    }
  } catch (error) {
    for (const disk of done) await snapshotImage(disk, 'delete', name).catch(() => undefined)
    throw error
  }
}

/** Snapshot `name` of the VM, or NOT_FOUND. */
export async function findVmSnapshot(config: VmConfig, dir: string, name: string): Promise<ImageSnapshot> {
  const snapshot = (await vmSnapshots(config, dir)).find((s) => s.name === name)
  if (snapshot === undefined) {
    throw new VireoError('NOT_FOUND', msg('error.snapshot.none', { vm: config.name, name }), msg('error.snapshot.noneHint'))
  }
  return snapshot
}

/**
 * Puts the VM back as it was at snapshot `name` (what was written since is lost), or deletes
 * the snapshot. A running VM can go back only to a snapshot with its memory: one of its
 * disks alone would pull them from under the running guest.
 */
export async function applyVmSnapshot(
  { config, dir, qmp }: SnapshotTarget,
  action: 'revert' | 'delete',
  name: string,
): Promise<void> {
  const disks = qcow2Disks(config, dir)
  const snapshot = await findVmSnapshot(config, dir, name)
  if (qmp === null) {
    for (const disk of disks) await snapshotImage(disk, action, name)
    return
  }
  if (action === 'revert' && snapshot.vmStateBytes === 0) {
    throw new VireoError(
      'INVALID_STATE',
      msg('error.snapshot.disksOnlyWhileRunning', { name, vm: config.name }),
      msg('error.snapshot.disksOnlyWhileRunningHint'),
    )
  }
  await liveSnapshot(qmp, action === 'revert' ? 'load' : 'delete', name, disks.length)
}

function qcow2Disks(config: VmConfig, dir: string): string[] {
  if (config.disks.length === 0) {
    throw new VireoError('INVALID_INPUT', msg('error.snapshot.noDisk', { vm: config.name }), msg('error.snapshot.noDiskHint'))
  }
  const raw = config.disks.find((d) => d.format !== 'qcow2')
  if (raw !== undefined) {
    throw new VireoError('INVALID_INPUT', msg('error.snapshot.rawDisk', { vm: config.name, file: raw.file }), msg('error.snapshot.rawDiskHint'))
  }
  return config.disks.map((disk) => diskPath(disk, dir))
}
