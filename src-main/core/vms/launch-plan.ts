import { join } from 'node:path'
import { VireoError, msg, type ErrorCode, type ErrorInfo, type Message } from '../errors'
import { installHint } from '../exec'
import type { VmConfig } from './config'
import { buildQemuArgs, diskPath, QEMU_BINARY } from './qemu-args'
import { vmRuntimeFiles, type RuntimeFiles } from './runtime-files'

/** What a start needs to know about the host (from the host check). */
export interface HostFacts {
  accel: 'kvm' | 'tcg'
  kvmUsable: boolean
  accelReason: string
  /** accelReason as a message (the host check's); without it, the text is quoted. */
  accelReasonText?: Message
  uefi: { code: string; vars: string } | null
  sandbox: boolean
}

/** A UEFI VM's own copy of the firmware's variable store (boot entries), in its folder. */
export const UEFI_VARS_FILE = 'OVMF_VARS.fd'

/** The longest path a UNIX socket address holds (sun_path, less its NUL). */
const SOCKET_PATH_MAX = 107

export interface LaunchInputs {
  config: VmConfig
  host: HostFacts
  /** The VM's folder: disks given by file name live here, and so do its logs. */
  vmDir: string
  /** The private runtime folder, which holds a folder of each VM's sockets and pidfile. */
  runtimeRoot: string
  /** Which of `filesToCheck(config, vmDir)` exist now: the one fact the plan cannot derive. */
  present: ReadonlySet<string>
}

/** A file to make before QEMU starts. */
export interface PrepareStep {
  kind: 'copy'
  from: string
  to: string
}

export interface LaunchPlan {
  /** The whole command line, binary first; null when a problem stops the start. */
  argv: string[] | null
  accel: 'kvm' | 'tcg'
  files: RuntimeFiles
  /** What to make before QEMU starts (in order): today a UEFI VM's first variable store. */
  prepare: PrepareStep[]
  /** Each thing that stops this start, in words, with what to do: none means it can start. */
  problems: ErrorInfo[]
}

/** The files whose presence a plan depends on: the disks, the ISO, a UEFI variable store. */
export function filesToCheck(config: VmConfig, vmDir: string): string[] {
  return [
    ...config.disks.map((disk) => diskPath(disk, vmDir)),
    ...(config.cdrom === null ? [] : [config.cdrom]),
    ...(config.firmware === 'uefi' ? [join(vmDir, UEFI_VARS_FILE)] : []),
  ]
}

/**
 * What a start runs, decided in one place: a pure function of the VM's definition, the
 * host's facts, its folders and which of its files exist. The supervisor carries it out; the
 * details, `vireo info` and the wizard's review show it, so what is shown is what runs, and
 * what would stop a start is said before it is tried.
 */
export function planLaunch(inputs: LaunchInputs): LaunchPlan {
  const { config, host, vmDir, present } = inputs
  const files = vmRuntimeFiles(inputs.runtimeRoot, config.id)
  const problems: ErrorInfo[] = []
  const prepare: PrepareStep[] = []

  for (const path of [files.qmpSocket, files.ctlSocket, files.vncSocket, files.agentSocket]) {
    if (Buffer.byteLength(path) > SOCKET_PATH_MAX) {
      problems.push(problem('HOST_UNSUPPORTED', msg('launch.socketPathTooLong', { path }), msg('launch.socketPathTooLongHint')))
      break
    }
  }

  if (config.accel === 'kvm' && !host.kvmUsable) {
    const reason = host.accelReasonText ?? host.accelReason
    problems.push(problem('HOST_UNSUPPORTED', msg('launch.kvmUnusable', { reason }), msg('launch.kvmUnusableHint')))
  }
  const accel = config.accel === 'auto' ? host.accel : config.accel

  for (const disk of config.disks) {
    const path = diskPath(disk, vmDir)
    if (!present.has(path)) {
      problems.push(problem('FILE_MISSING', msg('launch.diskMissing', { path }), msg('launch.diskMissingHint'), { path }))
    }
  }
  if (config.cdrom !== null && !present.has(config.cdrom)) {
    problems.push(problem('FILE_MISSING', msg('launch.isoMissing', { path: config.cdrom }), msg('launch.isoMissingHint'), { path: config.cdrom, eject: true }))
  }

  let uefi: { code: string; vars: string } | undefined
  if (config.firmware === 'uefi') {
    if (host.uefi === null) {
      problems.push(problem('HOST_UNSUPPORTED', msg('launch.noOvmf'), installHint('ovmf')))
    } else {
      uefi = { code: host.uefi.code, vars: join(vmDir, UEFI_VARS_FILE) }
      if (!present.has(uefi.vars))
        prepare.push({ kind: 'copy', from: host.uefi.vars, to: uefi.vars })
    }
  }

  const argv =
    problems.length > 0
      ? null
      : [
          QEMU_BINARY,
          ...buildQemuArgs(config, {
            vmDir,
            qmpSocket: files.qmpSocket,
            ctlSocket: files.ctlSocket,
            vncSocket: files.vncSocket,
            agentSocket: files.agentSocket,
            pidFile: files.pidFile,
            accel,
            sandbox: host.sandbox,
            ...(uefi ? { uefi } : {}),
          }),
        ]
  return { argv, accel, files, prepare, problems }
}

/** A problem as the API shows it: English text and the message it came from. */
function problem(code: ErrorCode, message: Message, hint: Message, details?: Record<string, unknown>): ErrorInfo {
  return new VireoError(code, message, hint, details).toJSON()
}
