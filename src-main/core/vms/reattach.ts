import { rm, stat } from 'node:fs/promises'
import { stopHelpers, vmHelpers } from './helpers'
import { logTail } from './launch'
import { identifyQemu, readPidFile } from './qemu-process'
import type { RuntimeFiles } from './runtime-files'
import { readLastStop, readLaunchRecord, writeLastStop, type LaunchRecord } from './runtime-records'
import { msg } from '../messages/message'
import { detailOf, type StopRecord } from './vm-state'

// Finding a VM's QEMU again from its runtime folder, for a front end that did not start it
// (or that restarted), and what is left to record when that QEMU is gone.

/** The live QEMU of this VM, proven by pidfile, process start time and command line. */
export async function findLive(files: RuntimeFiles): Promise<LaunchRecord | null> {
  const pid = await readPidFile(files.pidFile)
  if (pid === null) return null
  // Without launch.json (the front end that started it died before writing it), the pidfile
  // and the command line still identify the process.
  const record = await readLaunchRecord(files)
  const expected = record.pid === pid ? record.startTime : undefined
  const identity = await identifyQemu(pid, files.qmpSocket, expected)
  if (identity === null) return null
  return {
    pid,
    startTime: identity.startTime,
    accel: record.accel ?? 'tcg',
    startedAt: record.startedAt ?? new Date().toISOString(),
  }
}

/**
 * A run that ended while no front end watched it (QEMU killed, or the guest powered off
 * while only the CLI was used) left its launch.json behind. QEMU removes its pidfile when it
 * exits normally, so a pidfile left too means it was killed or crashed. Records why once.
 * `qemuLog`: the VM's qemu.log, whose last lines a crash record carries.
 */
export async function recordUnseenStop(files: RuntimeFiles, qemuLog: string): Promise<StopRecord | null> {
  const [launched, pidFile] = await Promise.all([exists(files.launchFile), exists(files.pidFile)])
  if (!launched) return null
  // Never tidy away the files of a QEMU of this VM that still runs.
  const pid = await readPidFile(files.pidFile)
  if (pid !== null && (await identifyQemu(pid, files.qmpSocket)) !== null) return null
  const at = new Date().toISOString()
  const lastStop: StopRecord = pidFile
    ? {
        reason: 'crashed',
        at,
        ...detailOf(msg('stop.crashedUnwatched')),
        stderrTail: await logTail(qemuLog),
      }
    : {
        reason: 'unknown',
        at,
        ...detailOf(msg('stop.exitedUnwatched')),
      }
  // A watching front end may be recording the same stop, more precisely: its record wins.
  // The stale pidfile stays (a new QEMU may be writing its own there right now): the next
  // start replaces it, and without launch.json it is not taken for a new stop.
  await writeLastStop(files, lastStop, true)
  await stopHelpers(vmHelpers(files))
  await rm(files.launchFile, { force: true })
  return (await readLastStop(files)).lastStop ?? lastStop
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
