import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { VireoError, msg, type Message } from '../errors'
import { freeDiskSpace } from '../host/host-facts'
import { formatSize, MAX_DISK_BYTES } from './size'

/** Checks that `bytes` fit in the free space of the folder that will hold `path`. */
export async function ensureFreeSpace(path: string, bytes: number, what: Message): Promise<void> {
  const { path: at, freeBytes } = await freeDiskSpace(dirname(path))
  if (bytes > freeBytes) {
    throw new VireoError(
      'NO_SPACE',
      msg('error.image.notEnoughSpace', { what, needed: formatSize(bytes), path: at, free: formatSize(freeBytes) }),
      msg('error.image.notEnoughSpaceHint'),
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
      msg('error.image.folderMissing', { path: folder }),
      msg('error.image.folderMissingHint'),
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
      msg('error.image.badByteSize', { size: sizeBytes }),
    )
  }
  if (sizeBytes > MAX_DISK_BYTES) {
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.image.tooLarge', { size: formatSize(sizeBytes), max: formatSize(MAX_DISK_BYTES) }),
      msg('error.image.tooLargeHint', { max: formatSize(MAX_DISK_BYTES) }),
    )
  }
  return Math.ceil(sizeBytes / 512) * 512
}
