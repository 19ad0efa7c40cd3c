import { VireoError } from '../errors'
import { listSnapshots, snapshotImage } from '../images/image-snapshots'
import type { ImageSnapshot } from '../images/types'
import type { VmConfig } from './config'
import { diskPath } from './qemu-args'

/**
 * A VM's snapshots: one qcow2 internal snapshot on each of its disks, under one name, taken
 * while the VM is stopped (its disks' state, not its memory; not the UEFI variables).
 */

/** The snapshots every disk of the VM has, oldest first; none for a VM with a raw disk. */
export async function vmSnapshots(config: VmConfig, dir: string): Promise<ImageSnapshot[]> {
  if (config.disks.length === 0 || config.disks.some((d) => d.format !== 'qcow2')) return []
  const [first, ...others] = await Promise.all(
    config.disks.map((disk) => listSnapshots(diskPath(disk, dir))),
  )
  return (first ?? []).filter((s) => others.every((list) => list.some((o) => o.name === s.name)))
}

/** Takes snapshot `name` of every disk; if one disk fails, the others' are deleted again. */
export async function takeVmSnapshot(config: VmConfig, dir: string, name: string): Promise<void> {
  const disks = qcow2Disks(config, dir)
  if ((await vmSnapshots(config, dir)).some((s) => s.name === name)) {
    throw new VireoError('ALREADY_EXISTS', `“${config.name}” already has a snapshot named “${name}”.`, 'Choose another name, or delete the old snapshot first.', { field: 'name' })
  }
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

/** Puts every disk back as it was at snapshot `name` (what was written since is lost), or deletes it. */
export async function applyVmSnapshot(
  config: VmConfig,
  dir: string,
  action: 'revert' | 'delete',
  name: string,
): Promise<void> {
  const disks = qcow2Disks(config, dir)
  if (!(await vmSnapshots(config, dir)).some((s) => s.name === name)) {
    throw new VireoError('NOT_FOUND', `“${config.name}” has no snapshot named “${name}”.`, 'See its list of snapshots.')
  }
  for (const disk of disks) await snapshotImage(disk, action, name)
}

function qcow2Disks(config: VmConfig, dir: string): string[] {
  if (config.disks.length === 0) {
    throw new VireoError('INVALID_INPUT', `“${config.name}” has no disk to take a snapshot of.`, 'Add a disk first.')
  }
  const raw = config.disks.find((d) => d.format !== 'qcow2')
  if (raw !== undefined) {
    throw new VireoError('INVALID_INPUT', `“${config.name}” has a raw disk (${raw.file}), and raw disks cannot hold snapshots.`, 'Snapshots need qcow2 disks: make a new VM that imports this disk (it is converted to qcow2).')
  }
  return config.disks.map((disk) => diskPath(disk, dir))
}
