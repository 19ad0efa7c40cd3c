import { spawn } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { VireoError, msg } from '../errors'
import { installHint } from '../exec'
import { logTail } from './launch'
import { isAlive, processArgs, processStartTime, readPidFile, waitForExit } from './qemu-process'
import type { RuntimeFiles } from './runtime-files'

// Helpers that live with a VM: programs QEMU connects to (swtpm now, virtiofsd next), each a
// daemon with a pidfile and a socket in the VM's private runtime folder. Started before QEMU,
// found again like QEMU (pidfile + identity), stopped after it on every kind of stop.

/** How a helper of a VM is found: its pidfile, and its socket, which only it names. */
export interface HelperIdentity {
  name: HelperName
  pidFile: string
  socket: string
}

export type HelperName = 'swtpm'

/** How a helper is started: it daemonizes, writes its pidfile and listens on its socket. */
export interface HelperSpec extends HelperIdentity {
  argv: string[]
  /** Its log, in the VM's folder: what it said when it failed. */
  log: string
}

/** Every kind of helper a VM may have, by its runtime files: what a stop looks for. */
export function vmHelpers(files: RuntimeFiles): HelperIdentity[] {
  return [{ name: 'swtpm', pidFile: files.tpmPidFile, socket: files.tpmSocket }]
}

/**
 * The live helper's pid, if the pidfile names a live process whose command line carries the
 * helper's own socket path (a reused pid never does).
 */
export async function findHelper(helper: HelperIdentity): Promise<number | null> {
  const pid = await readPidFile(helper.pidFile)
  if (pid === null) return null
  const [startTime, args] = await Promise.all([processStartTime(pid), processArgs(pid)])
  if (startTime === null || args === null) return null
  const path = `path=${helper.socket.replaceAll(',', ',,')}`
  return args.some((a) => a.includes(`${path},`) || a.endsWith(path)) ? pid : null
}

/** The names of these helpers that are not running. */
export async function helpersDown(helpers: readonly HelperIdentity[]): Promise<HelperName[]> {
  const found = await Promise.all(helpers.map((h) => findHelper(h)))
  return helpers.filter((_, i) => found[i] === null).map((h) => h.name)
}

/** Stops a helper (SIGTERM, then SIGKILL) and removes its pidfile and socket. */
export async function stopHelper(helper: HelperIdentity): Promise<void> {
  const pid = await findHelper(helper)
  if (pid !== null) {
    process.kill(pid, 'SIGTERM')
    if (!(await waitForExit(pid, 3000)) && isAlive(pid)) {
      process.kill(pid, 'SIGKILL')
      await waitForExit(pid, 3000)
    }
  }
  await Promise.all([helper.pidFile, helper.socket].map((p) => rm(p, { force: true })))
}

export async function stopHelpers(helpers: readonly HelperIdentity[]): Promise<void> {
  await Promise.all(helpers.map((h) => stopHelper(h)))
}

/**
 * Starts the helpers in order; if one fails, those already started are stopped again and the
 * error says what the helper wrote. A helper of this VM still running is one whose QEMU is
 * gone (a start runs only then): it is stopped first, so a helper never runs twice.
 */
export async function startHelpers(specs: readonly HelperSpec[]): Promise<void> {
  const started: HelperSpec[] = []
  try {
    for (const spec of specs) {
      await stopHelper(spec)
      await startHelper(spec)
      started.push(spec)
    }
  } catch (error) {
    await stopHelpers(started)
    throw error
  }
}

async function startHelper(spec: HelperSpec): Promise<void> {
  const [program, ...args] = spec.argv
  if (program === undefined) throw new Error('a helper without a program')
  const log = openLog(spec)
  let code: number | null
  try {
    const child = spawn(program, args, { detached: true, stdio: ['ignore', log, log] })
    code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c))
      child.once('error', () => resolve(-1))
    })
  } finally {
    closeSync(log)
  }
  if (code === -1) {
    throw new VireoError('HOST_UNSUPPORTED', msg('error.launch.notStarted', { program }), installHint(program))
  }
  const ready = code === 0 && (await findHelper(spec)) !== null && (await exists(spec.socket))
  if (!ready) {
    await stopHelper(spec)
    const tail = (await logTail(spec.log)).join('\n')
    throw new VireoError('COMMAND_FAILED', msg('error.helper.failed', { program: spec.name, tail }), msg('error.helper.failedHint', { log: spec.log }))
  }
}

function openLog(spec: HelperSpec): number {
  try {
    const log = openSync(spec.log, 'a', 0o600)
    try {
      writeSync(log, `\n=== ${new Date().toISOString()} vireo: starting ${spec.name}\n`)
    } catch {
      // A full disk: the helper starts all the same.
    }
    return log
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new VireoError('COMMAND_FAILED', msg('error.launch.logUnopenable', { path: spec.log, code }), msg('error.launch.logUnopenableHint'))
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
