import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VireoError, msg } from '../errors'
import type { LaunchPlan } from './launch-plan'
import { madeMark, TPM_STATE_DIR } from './vm-state-files'

/**
 * Why a start with a TPM failed, when it was the TPM's state: swtpm could not read it (QEMU
 * then exits at once with "TPM result for CMD_INIT"). Null when it was something else.
 */
export async function tpmStartFailure(plan: LaunchPlan, vmDir: string): Promise<VireoError | null> {
  const swtpm = plan.helpers.find((h) => h.name === 'swtpm')
  if (swtpm === undefined) return null
  const log = await readFile(swtpm.log, 'utf8').catch(() => '')
  const lastRun = log.slice(log.lastIndexOf('vireo: starting swtpm'))
  if (!/Could not initialize the TPM|Could not initialize libtpms/.test(lastRun)) return null
  const path = join(vmDir, TPM_STATE_DIR)
  return new VireoError('FILE_MISSING', msg('launch.tpmStateCorrupt', { path }), msg('launch.tpmStateCorruptHint', { mark: madeMark(vmDir, TPM_STATE_DIR) }), { path })
}
