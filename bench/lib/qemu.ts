import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { trackPid, untrackPid } from './cleanup'

export interface QemuProcess {
  child: ChildProcess
  pid: number
  /** performance.now() just before spawn. */
  startedAt: number
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>
}

/** Starts QEMU as our child, never through a shell, output to `logFile`. */
export function startQemu(argv: string[], logFile: string): QemuProcess {
  const [binary, ...args] = argv
  if (binary === undefined) throw new Error('empty QEMU argv')
  const log = openSync(logFile, 'a')
  const startedAt = performance.now()
  const child = spawn(binary, args, { stdio: ['ignore', log, log] })
  closeSync(log)
  if (child.pid === undefined) throw new Error(`${binary} could not be started`)
  trackPid(child.pid)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      untrackPid(child.pid)
      resolve(code)
    })
    child.once('error', () => resolve(null))
  })
  return {
    child,
    pid: child.pid,
    startedAt,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(timer)
    },
  }
}

/** Polls a file until it contains `text`; resolves with performance.now() when seen. */
export async function waitForFileText(
  path: string,
  text: string,
  options: { timeoutMs: number; intervalMs?: number; exited?: Promise<unknown> },
): Promise<number> {
  const deadline = Date.now() + options.timeoutMs
  let gone = false
  void options.exited?.then(() => (gone = true))
  for (;;) {
    let content = ''
    try {
      content = readFileSync(path, 'utf8')
    } catch {
      // Not there yet.
    }
    if (content.includes(text)) return performance.now()
    if (gone) throw new Error(`QEMU exited before “${text}” appeared in ${path}`)
    if (Date.now() > deadline) throw new Error(`“${text}” did not appear in ${path} within ${options.timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20))
  }
}

/** A guest's serial port on a UNIX socket (QEMU `-chardev socket,server=on`): type and read. */
export class SerialConsole {
  private text = ''
  private waiters = new Set<() => void>()

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8')
      if (this.text.length > 1_000_000) this.text = this.text.slice(-100_000)
      for (const waiter of this.waiters) waiter()
    })
    socket.on('error', () => {})
  }

  static async connect(path: string, timeoutMs = 30_000): Promise<SerialConsole> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(path)
          s.once('connect', () => resolve(s))
          s.once('error', reject)
        })
        return new SerialConsole(socket)
      } catch (error) {
        if (Date.now() > deadline) throw error
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }

  /** Everything received since `mark` (an offset returned by `mark()`). */
  mark(): number {
    return this.text.length
  }

  /** Waits until `pattern` appears after offset `from`; returns performance.now() and the match. */
  waitFor(pattern: RegExp | string, timeoutMs: number, from = 0): Promise<{ at: number; match: RegExpExecArray | null }> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const tail = this.text.slice(from)
        if (typeof pattern === 'string') {
          if (tail.includes(pattern)) return done(null)
        } else {
          const match = pattern.exec(tail)
          if (match) return done(match)
        }
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        reject(new Error(`serial: ${String(pattern)} not seen within ${timeoutMs / 1000} s; last output:\n${this.text.slice(-600)}`))
      }, timeoutMs)
      const done = (match: RegExpExecArray | null) => {
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve({ at: performance.now(), match })
      }
      this.waiters.add(check)
      check()
    })
  }

  send(text: string): void {
    this.socket.write(text)
  }

  /**
   * Runs a shell command on the guest and waits for it to finish: a marker with the exit
   * status is echoed after it. Resolves with the host-side wall time and the output.
   */
  async run(command: string, timeoutMs: number): Promise<{ ms: number; status: number; output: string }> {
    const tag = `BENCH${Math.random().toString(36).slice(2, 8)}`
    const from = this.mark()
    const started = performance.now()
    this.send(`${command}; echo ${tag}=$?\n`)
    const { at, match } = await this.waitFor(new RegExp(`${tag}=(\\d+)`), timeoutMs, from)
    const output = this.text.slice(from, from + (match?.index ?? 0))
    return { ms: at - started, status: Number(match?.[1] ?? -1), output }
  }

  close(): void {
    this.socket.destroy()
  }
}

/**
 * Starts a guest of the installed test OS whose serial port is a UNIX socket, waits for its
 * `ready` banner and then for the shell prompt on that port.
 */
export async function bootToSerialShell(
  argv: string[],
  serialSocket: string,
  logFile: string,
): Promise<{ qemu: QemuProcess; serial: SerialConsole; readyMs: number }> {
  const qemu = startQemu(argv, logFile)
  try {
    const exited = qemu.exited.then(() => {
      throw new Error(`QEMU exited while booting: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' / ')}`)
    })
    const serial = await Promise.race([SerialConsole.connect(serialSocket), exited])
    const { at } = await serial.waitFor('Vireo test OS: ready', 180_000)
    // busybox init then starts the shell; Enter brings a fresh prompt.
    await new Promise((r) => setTimeout(r, 500))
    const from = serial.mark()
    serial.send('\n')
    await serial.waitFor('vireo-test# ', 30_000, from)
    return { qemu, serial, readyMs: at - qemu.startedAt }
  } catch (error) {
    await qemu.stop()
    throw error
  }
}
