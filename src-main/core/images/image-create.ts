import { open, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { VireoError, msg } from '../errors'
import { runCommand } from '../exec'
import { type DiskImageFormat, type ImageInfo, imageInfo } from './image-info'
import { diskSizeBytes, ensureFolder, ensureFreeSpace } from './image-space'
import { imageCommandError, QEMU_IMG } from './qemu-img-errors'

export interface CreateImageOptions {
  path: string
  format: DiskImageFormat
  sizeBytes: number
  signal?: AbortSignal
}

const CREATE_TIMEOUT_MS = 60_000

/**
 * Creates a new, empty (sparse) disk image. Never overwrites: an existing file (or link) at
 * `path` is ALREADY_EXISTS. Refuses a virtual size larger than the free space where it goes,
 * since the guest could fill it (NO_SPACE). If qemu-img fails, nothing is left behind.
 */
export async function createImage(options: CreateImageOptions): Promise<ImageInfo> {
  const path = resolve(options.path)
  const size = diskSizeBytes(options.sizeBytes)
  await ensureFolder(path)
  await reserve(path)
  try {
    await ensureFreeSpace(path, size, msg('error.image.what.new'))
    // preallocation=off: blocks are allocated as the guest writes them.
    await runCommand(
      QEMU_IMG,
      ['create', '-q', '-f', options.format, '-o', 'preallocation=off', '--', path, String(size)],
      {
        timeoutMs: CREATE_TIMEOUT_MS,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
    )
    return await imageInfo(path, { format: options.format, backingChain: false })
  } catch (error) {
    await rm(path, { force: true })
    throw imageCommandError(error, path)
  }
}

/**
 * Claims `path` by creating it empty and exclusively (O_EXCL: fails on any existing file or
 * link), so no other writer can slip in between the check and qemu-img, which then fills it.
 */
export async function reserve(path: string): Promise<void> {
  try {
    const handle = await open(path, 'wx', 0o600)
    await handle.close()
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new VireoError(
        'ALREADY_EXISTS',
        msg('error.image.exists', { path }),
        msg('error.image.existsHint'),
        { path },
      )
    }
    if (errnoOf(error) === 'EACCES' || errnoOf(error) === 'EROFS') {
      throw new VireoError(
        'COMMAND_FAILED',
        msg('error.image.cannotCreate', { path, why: msg(errnoOf(error) === 'EROFS' ? 'error.image.readOnly' : 'error.store.permissionDenied') }),
        msg('error.image.cannotCreateHint'),
        { path },
      )
    }
    if (errnoOf(error) === 'ENOSPC') {
      throw new VireoError(
        'NO_SPACE',
        msg('error.image.diskFull', { path }),
        msg('error.image.diskFullHint'),
        { path },
      )
    }
    throw error
  }
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : undefined
}
