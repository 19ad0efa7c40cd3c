import type { HelperName } from './helpers'
import { readFile, rm, writeFile } from 'node:fs/promises'
import type { RuntimeFiles } from './runtime-files'
import type { StopRecord } from './vm-state'

// What a VM's runtime folder records of its runs, private to the user (0600): launch.json,
// written once a start has succeeded (which QEMU, and how it was started), and
// last-stop.json, why the last run ended.

/** What a start records in launch.json: which QEMU it started, and how. */
export interface LaunchRecord {
  pid: number
  /** The process's start time (clock ticks since boot): a reused pid never matches it. */
  startTime: number
  accel: 'kvm' | 'tcg'
  startedAt: string
  /** The helpers started with this run (helpers.ts), which its state reports on. */
  helpers?: HelperName[]
}

export async function writeLaunchRecord(files: RuntimeFiles, record: LaunchRecord): Promise<void> {
  await writeFile(files.launchFile, JSON.stringify(record), { mode: 0o600 })
}

/** What launch.json says; nothing if the front end that started the VM died before writing it. */
export async function readLaunchRecord(files: RuntimeFiles): Promise<Partial<LaunchRecord>> {
  try {
    return JSON.parse(await readFile(files.launchFile, 'utf8')) as Partial<LaunchRecord>
  } catch {
    return {}
  }
}

export async function readLastStop(files: RuntimeFiles): Promise<{ lastStop?: StopRecord }> {
  try {
    const raw: unknown = JSON.parse(await readFile(files.lastStopFile, 'utf8'))
    return typeof raw === 'object' && raw !== null ? { lastStop: raw as StopRecord } : {}
  } catch {
    return {}
  }
}

/**
 * Records why the last run ended (a failure to write is not fatal: the state still says it).
 * `ifNone`: keeps a record already there (another front end's, made while it watched the run).
 */
export async function writeLastStop(files: RuntimeFiles, lastStop: StopRecord, ifNone = false): Promise<void> {
  await writeFile(files.lastStopFile, JSON.stringify(lastStop), { mode: 0o600, ...(ifNone ? { flag: 'wx' } : {}) }).catch(() => {})
}

/** Before a start: the previous run's sockets, pidfile and stop record go. */
export async function clearForLaunch(files: RuntimeFiles): Promise<void> {
  const { qmpSocket, ctlSocket, vncSocket, agentSocket, pidFile, lastStopFile } = files
  await Promise.all([qmpSocket, ctlSocket, vncSocket, agentSocket, pidFile, lastStopFile].map((p) => rm(p, { force: true })))
}

/** After a stop is recorded: the run's sockets and launch record go (its stop record stays). */
export async function clearAfterStop(files: RuntimeFiles): Promise<void> {
  const { qmpSocket, ctlSocket, vncSocket, agentSocket, launchFile } = files
  await Promise.all([qmpSocket, ctlSocket, vncSocket, agentSocket, launchFile].map((p) => rm(p, { force: true })))
}
