import { resolve } from 'node:path'
import { runCommand } from '../exec'
import { qemuOptValue } from '../qemu-opt'
import { imageInfo } from './image-info'
import { imageCommandError, QEMU_IMG } from './qemu-img-errors'
import type { ImageSnapshot } from './types'

const SNAPSHOT_TIMEOUT_MS = 10 * 60 * 1000

/**
 * The image, named with its format: `qemu-img snapshot` takes no `-f`, and a probed format is
 * never trusted (FAULTS 20). Commas in the path are doubled for QEMU's option syntax.
 */
function qcow2Opts(file: string): string {
  return `driver=qcow2,file.driver=file,file.filename=${qemuOptValue(file)}`
}

/** The snapshots of a qcow2 image, oldest first. Read with -U: a running VM may hold it. */
export async function listSnapshots(path: string): Promise<ImageSnapshot[]> {
  const info = await imageInfo(path, { format: 'qcow2', force: true, backingChain: false })
  return info.snapshots
}

const flags = { take: '-c', revert: '-a', delete: '-d' } as const

/**
 * Takes, reverts to or deletes the snapshot `name` of a qcow2 image that no VM is using
 * (qemu-img locks it; a running VM's disk gives IMAGE_LOCKED). Callers check that the name is
 * new or exists: qemu-img itself takes a duplicate name, and matches ids as well as names.
 */
export async function snapshotImage(
  path: string,
  action: keyof typeof flags,
  name: string,
): Promise<void> {
  const file = resolve(path)
  try {
    await runCommand(
      QEMU_IMG,
      ['snapshot', '-q', '--image-opts', flags[action], name, '--', qcow2Opts(file)],
      { timeoutMs: SNAPSHOT_TIMEOUT_MS },
    )
  } catch (error) {
    throw imageCommandError(error, file)
  }
}
