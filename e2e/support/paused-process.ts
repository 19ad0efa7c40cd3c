import { readdirSync } from 'node:fs'
import { processArgs } from '../../src-main/core/testing/fault-support'

/** A process of this machine held stopped (SIGSTOP) by a test, to look at what waits on it. */
export interface PausedProcess {
  pid: number
  /** Lets it run for `ms`, then stops it again; false if it has ended meanwhile. */
  step(ms: number): Promise<boolean>
  resume(): void
}

/**
 * Waits for a process whose command line has every one of `words`, and stops it at once:
 * a copy that takes a fraction of a second can then be watched half done. Scans /proc in
 * a tight loop, so it catches processes that live only a tenth of a second.
 */
export async function pauseProcess(words: string[], timeoutMs = 60_000): Promise<PausedProcess> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const pid = findProcess(words)
    if (pid !== null) {
      process.kill(pid, 'SIGSTOP')
      return {
        pid,
        async step(ms) {
          if (!signal(pid, 'SIGCONT')) return false
          await new Promise((resolve) => setTimeout(resolve, ms))
          return signal(pid, 'SIGSTOP')
        },
        resume: () => void signal(pid, 'SIGCONT'),
      }
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error(`no process with ${words.join(' ')} came within ${timeoutMs} ms`)
}

/** Sends `name` to `pid`; false if there is no such process any more. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

function findProcess(words: string[]): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const argv = processArgs(Number(entry)) // null: it ended meanwhile
    if (argv !== null && words.every((word) => argv.includes(word))) return Number(entry)
  }
  return null
}
