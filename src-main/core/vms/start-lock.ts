import { link, readFile, rm, writeFile } from 'node:fs/promises'
import { isAlive, processStartTime } from './qemu-process'

// The start lock (`start.lock` in a VM's runtime folder): two front ends starting one VM at
// once produce one QEMU and one "already running".

/**
 * Takes the start lock: a file holding the owner's pid and process start time, made complete
 * first and then linked into place, so nobody ever reads a half-written lock.
 */
export async function createLockFile(lockFile: string): Promise<void> {
  const temp = `${lockFile}.${process.pid}.${Date.now()}`
  await writeFile(temp, `${process.pid} ${(await processStartTime(process.pid)) ?? 0}\n`, {
    mode: 0o600,
  })
  try {
    await link(temp, lockFile)
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Whether another live front end holds the start lock. A pid alone proves nothing (the
 * front end that wrote it may have died and its pid been reused), so its start time must match.
 */
export async function lockHeldByOther(lockFile: string): Promise<boolean> {
  const text = await readFile(lockFile, 'utf8').catch(() => null)
  if (text === null) return false
  const [pidText, startText] = text.trim().split(/\s+/)
  const owner = Number(pidText)
  if (!Number.isInteger(owner) || owner <= 1 || owner === process.pid || !isAlive(owner))
    return false
  // Without a recorded start time (an older lock), a live pid has to do.
  if (startText === undefined || startText === '0') return true
  return (await processStartTime(owner)) === Number(startText)
}

export interface StartLockHooks {
  /** The error when another live front end holds the lock. */
  busy: () => Error
  /** Called once a dead front end's lock is removed, before taking it: throws if its QEMU runs. */
  stale: () => Promise<void>
}

/** Runs `fn` holding the start lock, and lets go of it afterwards whatever happens. */
export async function withStartLock<T>(lockFile: string, hooks: StartLockHooks, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      await createLockFile(lockFile)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
      if (await lockHeldByOther(lockFile)) throw hooks.busy()
      // The front end that held it died mid-start: take over, but re-check for its QEMU.
      await rm(lockFile, { force: true })
      await hooks.stale()
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lockFile, { force: true })
  }
}
