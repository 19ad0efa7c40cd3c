import { resolve } from 'node:path'
import { VireoError, msg } from '../errors'
import { runCommand } from '../exec'
import { type DiskImageFormat, type ImageInfo, imageInfo } from './image-info'
import { diskSizeBytes, ensureFreeSpace } from './image-space'
import { imageCommandError, QEMU_IMG } from './qemu-img-errors'
import { formatSize } from './size'

const RESIZE_TIMEOUT_MS = 60_000

/**
 * Grows a disk image to `newSizeBytes` (rounded up to 512 bytes). Shrinking is refused: it
 * would cut off whatever the guest keeps at the end of the disk. The same size is a no-op.
 * The partitions and file systems inside still have to be grown from the guest.
 */
export async function resizeImage(
  path: string,
  format: DiskImageFormat,
  newSizeBytes: number,
  options: { signal?: AbortSignal } = {},
): Promise<ImageInfo> {
  const file = resolve(path)
  const size = diskSizeBytes(newSizeBytes)
  const before = await imageInfo(file, { format, backingChain: false })
  if (size < before.virtualBytes) {
    throw new VireoError(
      'INVALID_INPUT',
      msg('error.image.shrink', { path: file, current: formatSize(before.virtualBytes), size: formatSize(size) }),
      msg('error.image.shrinkHint', { current: formatSize(before.virtualBytes) }),
      { path: file, currentBytes: before.virtualBytes, requestedBytes: size },
    )
  }
  if (size === before.virtualBytes) return before
  await ensureFreeSpace(file, size - before.virtualBytes, msg('error.image.what.growing'))
  try {
    await runCommand(QEMU_IMG, ['resize', '-q', '-f', format, '--', file, String(size)], {
      timeoutMs: RESIZE_TIMEOUT_MS,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
  } catch (error) {
    throw imageCommandError(error, file)
  }
  return imageInfo(file, { format, backingChain: false })
}
