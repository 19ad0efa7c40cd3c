import { readFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { writeFileAtomic } from '../fs-atomic'
import { isAlive, processArgs, processStartTime } from './qemu-process'

/**
 * Who is building a VM in a staging folder (`vms/.new-<id>`): the front end's process and the
 * qemu-img copies it runs, each by pid and start time (field 22 of /proc/<pid>/stat), so that
 * the next front end can tell a creation still under way from one whose front end was killed,
 * and stop the copy it left running. A pid alone proves nothing (it may have been reused).
 */
export const STAGING_OWNER_FILE = '.owner.json'

interface ProcessRecord {
  pid: number
  startTime: number
}

interface OwnerRecord {
  frontEnd: ProcessRecord
  copies: (ProcessRecord & { target: string })[]
}

const writes = new Map<string, Promise<void>>()

async function read(dir: string): Promise<OwnerRecord | null> {
  try {
    const raw = JSON.parse(
      await readFile(join(dir, STAGING_OWNER_FILE), 'utf8'),
    ) as Partial<OwnerRecord>
    if (typeof raw.frontEnd?.pid !== 'number' || !Array.isArray(raw.copies)) return null
    return raw as OwnerRecord
  } catch {
    return null
  }
}

/** One write at a time per folder, each the whole record. */
function update(dir: string, change: (r: OwnerRecord) => Promise<OwnerRecord>): Promise<void> {
  const run = (writes.get(dir) ?? Promise.resolve()).then(async () => {
    const current = (await read(dir)) ?? {
      frontEnd: { pid: process.pid, startTime: (await processStartTime(process.pid)) ?? 0 },
      copies: [],
    }
    await writeFileAtomic(join(dir, STAGING_OWNER_FILE), JSON.stringify(await change(current)))
  })
  const settled = run.catch(() => {})
  writes.set(dir, settled)
  void settled.then(() => writes.get(dir) === settled && writes.delete(dir))
  return run
}

/** Marks `dir` as being built by this process. */
export function claimStaging(dir: string): Promise<void> {
  return update(dir, async (r) => r)
}

/** Records a qemu-img copy this process started to write `target` in the staging folder `dir`. */
export function recordCopy(dir: string, pid: number, target: string): Promise<void> {
  // Queued at once, so that a commit right after a quick copy waits for it (settleStaging).
  return update(dir, async (r) => {
    const startTime = await processStartTime(pid)
    return startTime === null ? r : { ...r, copies: [...r.copies, { pid, startTime, target }] }
  })
}

/** Waits for this process's pending writes to `dir` (before it is moved or removed). */
export async function settleStaging(dir: string): Promise<void> {
  await writes.get(dir)
  await rm(join(dir, STAGING_OWNER_FILE), { force: true })
}

/** Whether the recorded process is the one still running (same pid and start time). */
async function same(p: ProcessRecord): Promise<boolean> {
  return isAlive(p.pid) && (await processStartTime(p.pid)) === p.startTime
}

/**
 * What became of the front end that made `dir`: `unknown` without a record (an older Vireo,
 * or a front end killed before writing it: the caller waits for the folder to go idle),
 * `alive` while it runs, else `abandoned`.
 */
export async function stagingOwner(dir: string): Promise<'unknown' | 'alive' | 'abandoned'> {
  const r = await read(dir)
  if (r === null) return 'unknown'
  return (await same(r.frontEnd)) ? 'alive' : 'abandoned'
}

/**
 * Stops (SIGKILL) the qemu-img copies an abandoned staging folder records, each only if it
 * still is that process: same start time, a qemu-img whose command line writes that target.
 * Returns the pids it stopped, once they are gone.
 */
export async function stopOrphanedCopies(dir: string): Promise<number[]> {
  const stopped: number[] = []
  for (const copy of (await read(dir))?.copies ?? []) {
    const args = await processArgs(copy.pid)
    const mine =
      args !== null && basename(args[0] ?? '') === 'qemu-img' && args.includes(copy.target)
    if (!mine || !(await same(copy))) continue
    try {
      process.kill(copy.pid, 'SIGKILL')
      stopped.push(copy.pid)
    } catch {
      // gone meanwhile
    }
  }
  for (let i = 0; i < 100; i++) {
    const left = await Promise.all(stopped.map((pid) => processStartTime(pid)))
    if (left.every((t) => t === null)) break
    await new Promise((r) => setTimeout(r, 50))
  }
  return stopped
}
