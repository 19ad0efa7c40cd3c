import { VireoError, msg, type ErrorCode, type ErrorInfo, type Message } from '../errors'
import type { VmConfig } from './config'
import type { HelperSpec } from './helpers'
import { buildQemuArgs, diskPath, QEMU_BINARY } from './qemu-args'
import { vmRuntimeFiles, type RuntimeFiles } from './runtime-files'
import { planState, stateFilesToCheck, type PrepareStep, type StateHostFacts } from './vm-state-files'

export { UEFI_VARS_FILE, type PrepareStep } from './vm-state-files'

/** What a start needs to know about the host (from the host check). */
export interface HostFacts extends StateHostFacts {
  accel: 'kvm' | 'tcg'
  kvmUsable: boolean
  accelReason: string
  /** accelReason as a message (the host check's); without it, the text is quoted. */
  accelReasonText?: Message
  sandbox: boolean
}

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

export interface LaunchPlan {
  /** The whole command line, binary first; null when a problem stops the start. */
  argv: string[] | null
  accel: 'kvm' | 'tcg'
  files: RuntimeFiles
  /** What to make before QEMU starts (in order): a first UEFI variable store, TPM state folder. */
  prepare: PrepareStep[]
  /** Programs that live with the VM, started (in order) before QEMU: swtpm for a TPM. */
  helpers: HelperSpec[]
  /** Each thing that stops this start, in words, with what to do: none means it can start. */
  problems: ErrorInfo[]
}

/** The files whose presence a plan depends on: the disks, the ISO, UEFI variables, TPM state. */
export function filesToCheck(config: VmConfig, vmDir: string): string[] {
  return [
    ...config.disks.map((disk) => diskPath(disk, vmDir)),
    ...(config.cdrom === null ? [] : [config.cdrom]),
    ...(config.secondCdrom === null ? [] : [config.secondCdrom]),
    ...stateFilesToCheck(config, vmDir),
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

  for (const path of [files.qmpSocket, files.ctlSocket, files.vncSocket, files.tpmSocket, files.agentSocket]) {
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

  if (config.secondCdrom !== null && !present.has(config.secondCdrom)) {
    problems.push(problem('FILE_MISSING', msg('launch.isoMissing', { path: config.secondCdrom }), msg('launch.secondIsoMissingHint'), { path: config.secondCdrom }))
  }

  const state = planState(config, host, vmDir, files, present)
  problems.push(...state.problems)
  const { uefi, tpm } = state

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
            // Hyper-V enlightenments are a KVM feature: under TCG they are left out.
            hyperv: config.hyperv && accel === 'kvm',
            ...(uefi ? { uefi } : {}),
            ...(tpm ? { tpmSocket: tpm.socket } : {}),
          }),
        ]
  return { argv, accel, files, prepare: state.prepare, helpers: tpm ? [tpm] : [], problems }
}

/** A problem as the API shows it: English text and the message it came from. */
function problem(code: ErrorCode, message: Message, hint: Message, details?: Record<string, unknown>): ErrorInfo {
  return new VireoError(code, message, hint, details).toJSON()
}
