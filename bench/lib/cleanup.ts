import { readdirSync, readFileSync, rmSync } from 'node:fs'

/**
 * Everything a benchmark run starts or makes, so that all of it goes away at the end: on
 * success, on a failure, and on Ctrl+C. Processes are ended by their own pid only.
 */
const pids = new Set<number>()
const dirs = new Set<string>()
const hooks: (() => Promise<void>)[] = []
let cleaning: Promise<void> | null = null

export function trackPid(pid: number | undefined): void {
  if (pid !== undefined) pids.add(pid)
}

export function untrackPid(pid: number | undefined): void {
  if (pid !== undefined) pids.delete(pid)
}

export function trackDir(dir: string): void {
  dirs.add(dir)
}

/** Runs before processes are killed and folders removed (e.g. stopping a web host's VMs). */
export function onCleanup(hook: () => Promise<void>): void {
  hooks.push(hook)
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // Already gone.
  }
}

/**
 * Processes whose command line names a path under one of our folders: the QEMUs started by a
 * web host (detached, so not our children) carry their disk and socket paths there.
 */
function processesUnder(roots: string[]): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (roots.some((root) => cmdline.includes(root))) found.push(pid)
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found
}

function finalSweep(): void {
  for (const pid of pids) killQuietly(pid, 'SIGKILL')
  pids.clear()
  for (const pid of processesUnder([...dirs])) killQuietly(pid, 'SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs.clear()
}

export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    for (const hook of hooks.splice(0).reverse()) {
      await Promise.race([hook().catch(() => {}), new Promise((r) => setTimeout(r, 15_000))])
    }
    for (const pid of pids) killQuietly(pid, 'SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    finalSweep()
  })()
  return cleaning
}

/** Ctrl+C, SIGTERM and a crash still clean up; `exit` is the last, synchronous, chance. */
export function installCleanupHandlers(): void {
  let interrupted = false
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Ctrl+C reaches this process twice (from the terminal and from scripts/bench.js): the
    // second must not cut the cleanup short.
    process.on(signal, () => {
      if (interrupted) return
      interrupted = true
      console.error(`\nbench: ${signal}, cleaning up…`)
      void cleanupAll().finally(() => process.exit(130))
    })
  }
  process.once('exit', finalSweep)
}
