import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { VireoError } from '../errors'
import { freeDiskSpace } from '../host/host-facts'
import { formatSize, MAX_DISK_BYTES } from './size'

/** Checks that `bytes` fit in the free space of the folder that will hold `path`. */
export async function ensureFreeSpace(path: string, bytes: number, what: string): Promise<void> {
  const { path: at, freeBytes } = await freeDiskSpace(dirname(path))
  if (bytes > freeBytes) {
    throw new VireoError(
      'NO_SPACE',
      `Not enough disk space: ${what} needs up to ${formatSize(bytes)}, but ${at} has ${formatSize(freeBytes)} free.`,
      'Choose a smaller size, free some space, or put VMs on a larger disk (VIREO_HOME).',
      { path, neededBytes: bytes, freeBytes, folder: at },
    )
  }
}

/** Checks that the folder for `path` exists and is a folder. */
export async function ensureFolder(path: string): Promise<void> {
  const folder = dirname(path)
  const st = await stat(folder).catch(() => null)
  if (st === null || !st.isDirectory()) {
    throw new VireoError(
      'NOT_FOUND',
      `The folder ${folder} does not exist.`,
      'Choose an existing folder.',
      {
        path,
      },
    )
  }
}

/** A disk size qemu-img accepts: a whole number of 512-byte sectors, within Vireo's limit. */
export function diskSizeBytes(sizeBytes: number): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
    throw new VireoError(
      'INVALID_INPUT',
      `A disk size must be a whole number of bytes above zero (got ${sizeBytes}).`,
    )
  }
  if (sizeBytes > MAX_DISK_BYTES) {
    throw new VireoError(
      'INVALID_INPUT',
      `${formatSize(sizeBytes)} is too large: the most is ${formatSize(MAX_DISK_BYTES)}.`,
      `Choose a size up to ${formatSize(MAX_DISK_BYTES)}.`,
    )
  }
  return Math.ceil(sizeBytes / 512) * 512
}
