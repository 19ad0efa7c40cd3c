import { readFile } from 'node:fs/promises'
import { parseProcStat } from '../host/proc-parsers'

/**
 * Finding a VM's QEMU again after Vireo restarts. A pid alone proves nothing (it may have been
 * reused by another program), so a process counts as the VM's QEMU only if it is alive, not a
 * zombie, and its command line carries the VM's own QMP socket path, which no other process
 * has. Where a start time was recorded it must match too.
 */
export interface ProcessIdentity {
  pid: number
  /** Clock ticks since boot at which the process started (field 22 of /proc/<pid>/stat). */
  startTime: number
}

export async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10)
    return Number.isInteger(pid) && pid > 1 ? pid : null
  } catch {
    return null
  }
}

export async function processStartTime(pid: number): Promise<number | null> {
  try {
    const { state, startTime } = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'))
    return state === 'Z' || state === 'X' ? null : startTime
  } catch {
    return null
  }
}

export async function processArgs(pid: number): Promise<string[] | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`)
    return raw.toString('utf8').split('\0').slice(0, -1)
  } catch {
    return null
  }
}

/** The identity of the live QEMU at `pid` if it is this VM's (by its QMP socket path). */
export async function identifyQemu(
  pid: number,
  qmpSocket: string,
  expectedStart?: number,
): Promise<ProcessIdentity | null> {
  const [startTime, args] = await Promise.all([processStartTime(pid), processArgs(pid)])
  if (startTime === null || args === null) return null
  if (expectedStart !== undefined && expectedStart !== startTime) return null
  const mine = args.some((a) => a.includes(`path=${qmpSocket.replaceAll(',', ',,')},`))
  return mine ? { pid, startTime } : null
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** CPU time used so far (user + system, in clock ticks) and resident memory in bytes. */
export async function processUsage(pid: number): Promise<{ cpuTicks: number; rssBytes: number } | null> {
  try {
    const [stat, statm] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/statm`, 'utf8'),
    ])
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cpuTicks = Number(rest[11]) + Number(rest[12])
    const rssPages = Number(statm.split(' ')[1])
    return { cpuTicks, rssBytes: rssPages * 4096 }
  } catch {
    return null
  }
}

/** Whether QEMU `pid` exits (or is left a zombie) within `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(pid) || (await processStartTime(pid)) === null) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}
