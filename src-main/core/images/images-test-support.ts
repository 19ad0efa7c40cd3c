/**
 * Helpers for the images integration tests (not used by the app): a real QEMU holding an
 * image open.
 */
import { execa, type ResultPromise } from 'execa'
import { runCommand } from '../exec'
import { isLockFailure } from './qemu-img-errors'

export interface LockHolder {
  release(): Promise<void>
}

/**
 * Starts QEMU with `path` as a drive (no guest, no machine): QEMU takes its image locks as
 * for a running VM. Resolves once qemu-img sees the lock. `path` must not contain commas.
 */
export async function holdImage(path: string, format: string): Promise<LockHolder> {
  // Our own polling `qemu-img info` holds a shared lock for a moment; if QEMU opens the drive
  // just then, it exits with "Failed to get write lock". Start it again when that happens.
  for (let attempt = 1; ; attempt++) {
    try {
      return await holdImageOnce(path, format)
    } catch (error) {
      if (attempt >= 3 || !/Failed to get/.test(String(error))) throw error
    }
  }
}

async function holdImageOnce(path: string, format: string): Promise<LockHolder> {
  if (path.includes(',')) throw new Error('holdImage: no commas in the path, please')
  const child: ResultPromise = execa(
    'qemu-system-x86_64',
    [
      '-machine',
      'none',
      '-nodefaults',
      '-display',
      'none',
      '-drive',
      `file=${path},format=${format},if=none,id=d0`,
    ],
    { reject: false, stdin: 'ignore' },
  )
  const release = async (): Promise<void> => {
    child.kill('SIGKILL')
    await child
  }
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    try {
      await runCommand('qemu-img', ['info', '-f', format, '--', path])
    } catch (error) {
      if (isLockFailure(error)) return { release }
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 100))
  }
  await release()
  throw new Error(`QEMU did not take the lock on ${path}: ${String((await child).stderr)}`)
}
