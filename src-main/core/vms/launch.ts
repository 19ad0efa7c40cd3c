import { closeSync, constants, openSync, writeSync } from 'node:fs'
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import { dirname } from 'node:path'
import { VireoError, msg } from '../errors'
import { installHint } from '../exec'
import { QmpClient } from '../qmp/qmp-client'
import type { VmConfig } from './config'
import { filesToCheck, type LaunchPlan } from './launch-plan'
import { QEMU_BINARY } from './qemu-args'

/** Which of the files a launch plan depends on exist now (the plan's one fact from disk). */
export async function presentFiles(config: VmConfig, vmDir: string): Promise<Set<string>> {
  const paths = filesToCheck(config, vmDir)
  const found = await Promise.all(paths.map((p) => stat(p).then(() => true, () => false)))
  return new Set(paths.filter((_, i) => found[i]))
}

/**
 * Makes what the plan says QEMU needs first. Never overwrites (a copy made meanwhile by
 * another front end stays), and never makes the VM's folder again if it was deleted
 * meanwhile (ENOENT, which the caller reports).
 */
export async function prepareLaunch(plan: LaunchPlan): Promise<void> {
  for (const step of plan.prepare) {
    if (step.kind === 'mkdir') {
      // Not recursive: the VM's folder deleted meanwhile is not made again.
      await mkdir(step.path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error
      })
      continue
    }
    if (step.kind === 'mark') {
      await writeFile(step.path, `${new Date().toISOString()}\n`, { mode: 0o600 })
      continue
    }
    await copyFile(step.from, step.to, constants.COPYFILE_EXCL).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    })
  }
}

export interface LaunchResult {
  pid: number
  /** Resolves with QEMU's exit code when the QEMU started by this process exits. */
  exited: Promise<number | null>
}

/**
 * Starts QEMU detached, in its own session, so that the VM outlives this process (as VMs
 * outlive virt-manager under libvirt). Its stdout and stderr go to the VM's qemu.log. Never a
 * shell: the argv goes to the kernel as it is.
 */
export function spawnQemu(args: string[], logFile: string, qemuPath = QEMU_BINARY): LaunchResult {
  let log: number
  try {
    log = openSync(logFile, 'a', 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new VireoError('NOT_FOUND', msg('error.launch.folderGone', { path: dirname(logFile) }), msg('error.vm.refreshList'))
    }
    throw new VireoError('COMMAND_FAILED', msg('error.launch.logUnopenable', { path: logFile, code: code ?? 'error' }), msg('error.launch.logUnopenableHint'))
  }
  try {
    try {
      writeSync(log, `\n=== ${new Date().toISOString()} vireo: starting ${qemuPath}\n`)
    } catch {
      // A full disk: QEMU starts all the same, and the guest pauses if it must write.
    }
    // node's spawn hands the log's descriptor straight to QEMU (execa would pipe it through
    // this process, and the output would stop when Vireo exits). An argv array, no shell.
    const child = spawn(qemuPath, args, { detached: true, stdio: ['ignore', log, log] })
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code))
      child.once('error', () => resolve(null))
    })
    if (child.pid === undefined) {
      throw new VireoError(
        'HOST_UNSUPPORTED',
        msg('error.launch.notStarted', { program: qemuPath }),
        installHint(QEMU_BINARY),
      )
    }
    child.unref()
    return { pid: child.pid, exited }
  } finally {
    closeSync(log)
  }
}

/**
 * The last lines of a log. qemu.log collects every run, each after a `=== … vireo: starting`
 * header; unless `wholeFile`, only the lines of the latest run count.
 */
export async function logTail(
  logFile: string,
  lines = 8,
  options: { wholeFile?: boolean } = {},
): Promise<string[]> {
  let text: string
  try {
    text = await readFile(logFile, 'utf8')
  } catch {
    return []
  }
  const part = options.wholeFile ? text : text.slice(text.lastIndexOf('\n=== ') + 1).split('\n').slice(1).join('\n')
  return part
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-lines)
}

/**
 * Waits until QEMU answers on its QMP socket, or fails with QEMU's own words if it exits
 * first (a locked disk, a missing file, a bad option).
 */
export async function waitForQmp(
  socket: string,
  launch: LaunchResult,
  logFile: string,
  timeoutMs: number,
): Promise<QmpClient> {
  let exitCode: number | null | undefined
  void launch.exited.then((code) => (exitCode = code))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw await startFailure(logFile)
    try {
      return await QmpClient.connect(socket, { timeoutMs: 2000 })
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  throw new VireoError(
    'TIMEOUT',
    msg('error.launch.ctlTimeout', { seconds: Math.round(timeoutMs / 1000) }),
    msg('error.launch.seeLog', { path: logFile }),
  )
}

async function startFailure(logFile: string): Promise<VireoError> {
  const tail = await logTail(logFile)
  const text = tail.join('\n')
  if (/Failed to get "?(write|shared)"? lock/i.test(text)) {
    return new VireoError(
      'IMAGE_LOCKED',
      msg('error.launch.diskLocked'),
      msg('error.launch.diskLockedHint'),
      { stderrTail: tail },
    )
  }
  const forward = /Could not set up host forwarding rule '(tcp|udp):([^:']*):(\d+)-[^:']*:(\d+)'/.exec(text)
  if (forward !== null) {
    const [, protocol = 'tcp', address = '127.0.0.1', port = '', guestPort = ''] = forward
    return new VireoError(
      'INVALID_INPUT',
      msg('error.launch.portInUse', { port, protocol: protocol.toUpperCase(), address: address || '127.0.0.1', guestPort }),
      msg('error.launch.portInUseHint', { port }),
      { field: 'portForwards', port: Number(port), protocol, stderrTail: tail },
    )
  }
  if (/No such file or directory|Could not open/i.test(text)) {
    return new VireoError(
      'FILE_MISSING',
      msg('error.launch.fileMissing', { line: tail.at(-1) ?? '' }),
      msg('error.launch.fileMissingHint'),
      { stderrTail: tail },
    )
  }
  return new VireoError(
    'COMMAND_FAILED',
    msg('error.launch.exited', { line: tail.at(-1) ?? msg('error.launch.noMessage') }),
    msg('error.launch.seeFullLog', { path: logFile }),
    { stderrTail: tail },
  )
}
