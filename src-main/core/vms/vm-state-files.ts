import { join } from 'node:path'
import { VireoError, msg, type ErrorInfo } from '../errors'
import { installHint } from '../exec'
import type { VmConfig } from './config'
import type { HelperSpec } from './helpers'
import type { RuntimeFiles } from './runtime-files'

// The state a VM keeps beside its disks that the guest cannot do without once it has used it
// (its UEFI variables, its TPM), planned for a start: what is made fresh on the first start,
// and what stops a start when it has gone missing since (FAULTS 40). Pure, as launch-plan.ts.

/** A UEFI VM's own copy of the firmware's variable store (boot entries), in its folder. */
export const UEFI_VARS_FILE = 'OVMF_VARS.fd'
/** A Secure Boot VM's variable store: a copy of the Microsoft-enrolled template (keys, db). */
export const SECURE_VARS_FILE = 'OVMF_VARS.secboot.fd'
/** swtpm's state folder in the VM's folder, and the file swtpm keeps a TPM 2.0 in. */
export const TPM_STATE_DIR = 'tpm'
export const TPM_STATE_FILE = join(TPM_STATE_DIR, 'tpm2-00.permall')

/**
 * Made beside a state once it has been made: a state missing while its mark is there was
 * lost (deleted, a failed restore), and is not made again silently, since the guest would
 * lose its keys (BitLocker, enrolled boot entries). Deleting the mark is the explicit choice
 * of a fresh one.
 */
export function madeMark(vmDir: string, name: string): string {
  return join(vmDir, `${name}.made`)
}

/** OVMF for Secure Boot: code built with SMM and the Microsoft-enrolled variable template. */
export interface SecureBootFirmware {
  code: string
  vars: string
}

/** A file to make before QEMU starts. */
export type PrepareStep =
  | { kind: 'copy'; from: string; to: string }
  | { kind: 'mkdir'; path: string }
  | { kind: 'mark'; path: string }

export interface StateHostFacts {
  uefi: { code: string; vars: string } | null
  /** OVMF for Secure Boot (Debian: OVMF_CODE_4M.secboot.fd and OVMF_VARS_4M.ms.fd), or none. */
  secureBoot?: SecureBootFirmware | null
  /** The swtpm program's path, or null when it is not installed. */
  swtpm?: string | null
}

/** The files whose presence the state plan depends on. */
export function stateFilesToCheck(config: VmConfig, vmDir: string): string[] {
  const vars = config.secureBoot ? SECURE_VARS_FILE : UEFI_VARS_FILE
  return [
    ...(config.firmware === 'uefi' ? [join(vmDir, vars), madeMark(vmDir, vars)] : []),
    ...(config.tpm ? [join(vmDir, TPM_STATE_FILE), madeMark(vmDir, TPM_STATE_DIR)] : []),
  ]
}

export interface StatePlan {
  uefi?: { code: string; vars: string; secure: boolean }
  tpm?: HelperSpec
  prepare: PrepareStep[]
  problems: ErrorInfo[]
}

export function planState(config: VmConfig, host: StateHostFacts, vmDir: string, files: RuntimeFiles, present: ReadonlySet<string>): StatePlan {
  const prepare: PrepareStep[] = []
  const problems: ErrorInfo[] = []
  const plan: StatePlan = { prepare, problems }

  /** A state kept at `path` (marked as `name`): made from `fresh` steps the first time only. */
  const keep = (path: string, name: string, fresh: PrepareStep[]): void => {
    const mark = madeMark(vmDir, name)
    if (present.has(path)) {
      if (!present.has(mark)) prepare.push({ kind: 'mark', path: mark })
    } else if (present.has(mark)) {
      const error =
        name === TPM_STATE_DIR
          ? new VireoError('FILE_MISSING', msg('launch.tpmStateMissing', { path }), msg('launch.tpmStateMissingHint', { mark }), { path })
          : new VireoError('FILE_MISSING', msg('launch.uefiVarsMissing', { path }), msg('launch.uefiVarsMissingHint', { mark }), { path })
      problems.push(error.toJSON())
    } else {
      prepare.push(...fresh, { kind: 'mark', path: mark })
    }
  }

  if (config.secureBoot && config.firmware !== 'uefi') {
    problems.push(new VireoError('INVALID_INPUT', msg('launch.secureBootNeedsUefi'), msg('launch.secureBootNeedsUefiHint')).toJSON())
  }
  if (config.firmware === 'uefi') {
    const firmware = config.secureBoot ? host.secureBoot ?? null : host.uefi
    if (firmware === null) {
      problems.push(
        config.secureBoot
          ? new VireoError('HOST_UNSUPPORTED', msg('launch.noSecureBootOvmf'), installHint('ovmf')).toJSON()
          : new VireoError('HOST_UNSUPPORTED', msg('launch.noOvmf'), installHint('ovmf')).toJSON(),
      )
    } else {
      const name = config.secureBoot ? SECURE_VARS_FILE : UEFI_VARS_FILE
      const vars = join(vmDir, name)
      plan.uefi = { code: firmware.code, vars, secure: config.secureBoot }
      keep(vars, name, [{ kind: 'copy', from: firmware.vars, to: vars }])
    }
  }
  if (config.tpm) {
    const swtpm = host.swtpm ?? null
    if (swtpm === null) {
      problems.push(new VireoError('HOST_UNSUPPORTED', msg('launch.noSwtpm'), installHint('swtpm')).toJSON())
    } else {
      const stateDir = join(vmDir, TPM_STATE_DIR)
      // swtpm makes its state file on the first start, in the folder made for it.
      keep(join(vmDir, TPM_STATE_FILE), TPM_STATE_DIR, [{ kind: 'mkdir', path: stateDir }])
      plan.tpm = swtpmSpec(swtpm, stateDir, vmDir, files)
    }
  }
  return plan
}

/**
 * swtpm as a daemon with a pidfile, as QEMU runs: the VM outlives the front end, so its TPM
 * must too. `--terminate` ends it when QEMU's connection closes, however QEMU ends (even
 * SIGKILL), with no front end watching.
 */
function swtpmSpec(swtpm: string, stateDir: string, vmDir: string, files: RuntimeFiles): HelperSpec {
  return {
    name: 'swtpm',
    pidFile: files.tpmPidFile,
    socket: files.tpmSocket,
    log: join(vmDir, 'swtpm.log'),
    argv: [
      swtpm,
      'socket',
      '--tpm2',
      '--tpmstate',
      `dir=${stateDir.replaceAll(',', ',,')},mode=0600`,
      '--ctrl',
      `type=unixio,path=${files.tpmSocket.replaceAll(',', ',,')},mode=0600`,
      '--pid',
      `file=${files.tpmPidFile.replaceAll(',', ',,')}`,
      '--log',
      `file=${join(vmDir, 'swtpm.log').replaceAll(',', ',,')}`,
      '--terminate',
      '--daemon',
    ],
  }
}
