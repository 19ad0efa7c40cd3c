import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Test support (not shipped): starts real QEMU processes and makes sure every one of them is
 * killed again, whether the test passed, failed or the worker exits early.
 */

export interface TestQemu {
  pid: number
  /** A private temp folder for this QEMU's sockets; removed on cleanup. */
  dir: string
  /** Everything QEMU wrote on stderr so far. */
  stderr: () => string
  /** Resolves with the exit code (or signal name) once QEMU has exited. */
  exited: Promise<number | string>
  /** SIGKILLs QEMU (resuming it first if stopped) and waits for it to be gone. */
  kill: () => Promise<void>
}

const running = new Set<{ child: ChildProcess; dir: string }>()

process.once('exit', () => {
  for (const { child, dir } of running) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * Starts `qemu-system-x86_64 <args(dir)>` (never through a shell) and waits until each socket
 * named in `waitFor` (relative to `dir`) accepts connections.
 */
export async function startQemu(
  args: (dir: string) => string[],
  waitFor: string[] = [],
  timeoutMs = 20_000,
): Promise<TestQemu> {
  const dir = mkdtempSync(join(tmpdir(), 'vireo-qemu-'))
  const child = spawn('qemu-system-x86_64', args(dir), { stdio: ['ignore', 'ignore', 'pipe'] })
  const entry = { child, dir }
  running.add(entry)
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))
    child.once('error', (error) => resolve(error.message))
  })
  let done = false
  void exited.then(() => (done = true))
  const kill = async (): Promise<void> => {
    if (!done) {
      child.kill('SIGCONT')
      child.kill('SIGKILL')
      await exited
    }
    running.delete(entry)
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + timeoutMs
  for (const name of waitFor) {
    while (!isListening(join(dir, name))) {
      if (done || Date.now() > deadline) {
        await kill()
        throw new Error(`QEMU did not create ${name} (exited: ${done}). stderr:\n${stderr}`)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  if (child.pid === undefined) throw new Error(`QEMU did not start. stderr:\n${stderr}`)
  return { pid: child.pid, dir, stderr: () => stderr, exited, kill }
}

/** Kills every QEMU this module started that is still running. For `afterEach`. */
export async function killAllQemu(): Promise<void> {
  await Promise.all(
    [...running].map(async ({ child, dir }) => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r))
        child.kill('SIGCONT')
        child.kill('SIGKILL')
        await gone
      }
      rmSync(dir, { recursive: true, force: true })
    }),
  )
  running.clear()
}

/**
 * Whether a UNIX socket at `path` accepts connections. QEMU binds before it listens, so the
 * file alone is not enough; /proc/net/unix shows the listening flag (__SO_ACCEPTCON) without
 * connecting (a probe connection would take QEMU's one QMP client slot for a moment).
 */
function isListening(path: string): boolean {
  let table: string
  try {
    table = readFileSync('/proc/net/unix', 'utf8')
  } catch {
    return false
  }
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/)
    return fields.length >= 8 && fields.slice(7).join(' ') === path && fields[3] === '00010000'
  })
}
