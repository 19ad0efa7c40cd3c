import { constants } from 'node:fs'
import { cp, copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { madeMark, SECURE_VARS_FILE, TPM_STATE_DIR, UEFI_VARS_FILE } from './vm-state-files'

/**
 * A clone's copy of its source's state beside the disks: both UEFI variable stores, the TPM
 * state folder, and their marks (so that a clone missing them later is refused as its source
 * would be). What the source lacks is skipped; nothing is overwritten.
 */
export async function copyVmState(from: string, to: string): Promise<void> {
  for (const name of [UEFI_VARS_FILE, SECURE_VARS_FILE, TPM_STATE_DIR]) {
    for (const [src, dst] of [
      [join(from, name), join(to, name)],
      [madeMark(from, name), madeMark(to, name)],
    ] as const) {
      const copy =
        name === TPM_STATE_DIR && src === join(from, name)
          ? cp(src, dst, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true })
          : copyFile(src, dst, constants.COPYFILE_EXCL)
      await copy.catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
    }
  }
}
