import { join } from 'node:path'
import type { ErrorInfo } from '../errors'
import { installHint } from '../exec'
import type { VmConfig } from './config'
import { buildQemuArgs, diskPath, QEMU_BINARY } from './qemu-args'
import { vmRuntimeFiles, type RuntimeFiles } from './runtime-files'

/** What a start needs to know about the host (from the host check). */
export interface HostFacts {
  accel: 'kvm' | 'tcg'
  kvmUsable: boolean
  accelReason: string
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

  for (const path of [files.qmpSocket, files.ctlSocket, files.vncSocket]) {
    if (Buffer.byteLength(path) > SOCKET_PATH_MAX) {
      problems.push({
        code: 'HOST_UNSUPPORTED',
        message: `The runtime folder path is too long for a socket (${path}).`,
        hint: 'Set XDG_RUNTIME_DIR (or TMPDIR) to a shorter folder.',
      })
      break
    }
  }

  if (config.accel === 'kvm' && !host.kvmUsable) {
    problems.push({
      code: 'HOST_UNSUPPORTED',
      message: `This VM is set to use KVM, but KVM cannot be used here: ${host.accelReason}`,
      hint: 'Set its accelerator to Automatic (or TCG) to run it with software emulation.',
    })
  }
  const accel = config.accel === 'auto' ? host.accel : config.accel

  for (const disk of config.disks) {
    const path = diskPath(disk, vmDir)
    if (!present.has(path)) {
      problems.push({
        code: 'FILE_MISSING',
        message: `The disk ${path} is missing.`,
        hint: 'Restore the file, or remove the disk from this VM’s settings.',
        details: { path },
      })
    }
  }
  if (config.cdrom !== null && !present.has(config.cdrom)) {
    problems.push({
      code: 'FILE_MISSING',
      message: `The ISO ${config.cdrom} is missing (moved or deleted?).`,
      hint: 'Eject it from the VM’s CD drive, or choose the ISO’s new location.',
      details: { path: config.cdrom, eject: true },
    })
  }

  let uefi: { code: string; vars: string } | undefined
  if (config.firmware === 'uefi') {
    if (host.uefi === null) {
      problems.push({
        code: 'HOST_UNSUPPORTED',
        message: 'This VM uses UEFI firmware, but OVMF is not installed.',
        hint: installHint('ovmf'),
      })
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
            pidFile: files.pidFile,
            accel,
            sandbox: host.sandbox,
            ...(uefi ? { uefi } : {}),
          }),
        ]
  return { argv, accel, files, prepare, problems }
}
