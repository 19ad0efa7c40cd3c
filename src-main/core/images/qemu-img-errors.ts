import { VireoError, msg } from '../errors'
import { commandFailure } from '../exec'

/**
 * Turns a failed qemu-img run into the error a user should see: the disk is in use, the disk
 * is full, the file is missing. Anything else stays the COMMAND_FAILED that runCommand made.
 */

export const QEMU_IMG = 'qemu-img'

/** QEMU's image-locking messages: `Failed to get "write" lock`, `Failed to get shared "write" lock`. */
const LOCK_MESSAGE = /Failed to get (?:shared )?"[\w ]+" lock/

export function isLockFailure(error: unknown): boolean {
  return stderrOf(error).some((line) => LOCK_MESSAGE.test(line))
}

export function imageLockedError(path: string, cause?: unknown): VireoError {
  return new VireoError(
    'IMAGE_LOCKED',
    msg('error.image.locked', { path }),
    msg('error.image.lockedHint'),
    { path, ...commandDetails(cause) },
  )
}

/** The VireoError for a failed qemu-img command about `path`. */
export function imageCommandError(error: unknown, path: string): unknown {
  if (!(error instanceof VireoError) || error.code !== 'COMMAND_FAILED') return error
  const lines = stderrOf(error)
  const text = lines.join('\n')
  if (LOCK_MESSAGE.test(text)) return imageLockedError(path, error)
  if (/No space left on device|Disk quota exceeded/.test(text)) {
    return new VireoError(
      'NO_SPACE',
      msg('error.image.diskFull', { path }),
      msg('error.image.diskFullHint'),
      { path, ...commandDetails(error) },
    )
  }
  if (
    new RegExp(
      `Could not open '${escapeRegExp(path)}': Could not open '[^']*': No such file or directory`,
    ).test(text)
  ) {
    return new VireoError(
      'FILE_MISSING',
      msg('error.image.missing', { path }),
      msg('error.image.checkPath'),
      {
        path,
        ...commandDetails(error),
      },
    )
  }
  const wrongFormat = /Image is not in (\w+) format/.exec(text)
  if (wrongFormat !== null) {
    return new VireoError(
      'INVALID_INPUT',
      msg('error.image.wrongFormat', { path, format: wrongFormat[1] ?? '' }),
      msg('error.image.wrongFormatHint'),
      { path, ...commandDetails(error) },
    )
  }
  if (/Permission denied/.test(text)) {
    return new VireoError(
      'COMMAND_FAILED',
      msg('error.image.permissionDenied', { path, reason: error.text.params?.['reason'] ?? error.message }),
      msg('error.image.permissionDeniedHint'),
      { path, ...commandDetails(error) },
    )
  }
  return error
}

function stderrOf(error: unknown): string[] {
  return commandFailure(error)?.stderrTail ?? []
}

function commandDetails(error: unknown): Record<string, unknown> {
  return error instanceof VireoError ? { ...error.details } : {}
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
