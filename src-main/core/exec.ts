import { basename } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { VireoError, msg, type Message } from './errors'

/**
 * Runs an external program (qemu-img, QEMU) the one way Vireo does it: an argv array, never a
 * shell; a failure becomes a VireoError a user can read, carrying the command line, the exit
 * code and the last lines of stderr for whoever needs more.
 */

export interface RunOptions {
  /** Stop the program after this many milliseconds (error code TIMEOUT). */
  timeoutMs?: number
  /** Stop the program when this signal aborts (COMMAND_FAILED with `details.cancelled`). */
  signal?: AbortSignal
  /** How a timed-out or cancelled program is stopped; SIGTERM (then SIGKILL after 5 s) if unset. */
  killSignal?: NodeJS.Signals
  /** Exit codes that count as success; `[0]` if unset. */
  okExitCodes?: readonly number[]
  /** Added to the environment (which always has LC_ALL=C, so messages can be parsed). */
  env?: Record<string, string>
  cwd?: string
  /** Called with each piece of stdout as it arrives (e.g. progress output). */
  onStdout?: (chunk: string) => void
  /** Called with the program's pid as soon as it runs (to record who is writing a file). */
  onSpawn?: (pid: number) => void
}

export interface RunResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** What a COMMAND_FAILED error carries in `details`. */
export interface CommandFailure {
  command: string[]
  commandLine: string
  exitCode: number | null
  signal: string | null
  stderrTail: string[]
  cancelled?: true
}

/** Distribution packages that hold the programs (and the firmware) Vireo runs, for "not installed" errors. */
const packages: Record<string, { debian: string; fedora: string }> = {
  ovmf: { debian: 'ovmf', fedora: 'edk2-ovmf' },
  swtpm: { debian: 'swtpm swtpm-tools', fedora: 'swtpm swtpm-tools' },
  'qemu-img': { debian: 'qemu-utils', fedora: 'qemu-img' },
  'qemu-io': { debian: 'qemu-utils', fedora: 'qemu-img' },
  'qemu-system-x86_64': { debian: 'qemu-system-x86', fedora: 'qemu-kvm' },
  ssh: { debian: 'openssh-client', fedora: 'openssh-clients' },
  virsh: { debian: 'libvirt-clients', fedora: 'libvirt-client' },
}

/** How to install `program` (or `ovmf`, the UEFI firmware), as a sentence for a hint. */
export function installHint(program: string): Message {
  const pkg = packages[basename(program)]
  if (pkg === undefined) return msg('error.install.other', { program: basename(program) })
  return msg('error.install.known', { debian: pkg.debian, fedora: pkg.fedora })
}

const TAIL_LINES = 20

export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const name = basename(file)
  const command = [file, ...args]
  const failure = (fields: Partial<CommandFailure>): CommandFailure => ({
    command,
    commandLine: formatCommandLine(command),
    exitCode: null,
    signal: null,
    stderrTail: [],
    ...fields,
  })
  if (options.signal?.aborted === true) {
    throw new VireoError('COMMAND_FAILED', msg('error.exec.cancelled', { program: name }), undefined, {
      ...failure({ cancelled: true }),
    })
  }

  // Loaded on first use: a front end that runs no program (`vireo list`) starts without it.
  const { execa } = await import('execa')
  const child = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    env: { LC_ALL: 'C', ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.timeoutMs === undefined ? {} : { timeout: Math.max(1, options.timeoutMs) }),
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    ...(options.killSignal === undefined ? {} : { killSignal: options.killSignal }),
  })
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  const onStdout = options.onStdout
  if (onStdout !== undefined) {
    const decoder = new StringDecoder('utf8')
    child.stdout.on('data', (chunk: Buffer) => onStdout(decoder.write(chunk)))
  }
  const result = await child
  const stdout = String(result.stdout ?? '')
  const stderr = String(result.stderr ?? '')
  const stderrTail = lastLines(stderr, TAIL_LINES)

  if (result.code === 'ENOENT' && result.exitCode === undefined) {
    const where = file.includes('/') ? msg('error.exec.fileAbsent', { file }) : msg('error.exec.notOnPath')
    throw new VireoError(
      'HOST_UNSUPPORTED',
      msg('error.exec.notInstalled', { program: name, where }),
      installHint(name),
      {
        ...failure({}),
        missingProgram: name,
      },
    )
  }
  if (result.code === 'EACCES' && result.exitCode === undefined) {
    throw new VireoError(
      'COMMAND_FAILED',
      msg('error.exec.permissionDenied', { file }),
      msg('error.exec.permissionDeniedHint', { file }),
      {
        ...failure({}),
      },
    )
  }
  if (result.isCanceled) {
    throw new VireoError('COMMAND_FAILED', msg('error.exec.cancelled', { program: name }), undefined, {
      ...failure({ cancelled: true, signal: result.signal ?? null, stderrTail }),
    })
  }
  if (result.timedOut) {
    const seconds = formatSeconds(options.timeoutMs ?? 0)
    throw new VireoError(
      'TIMEOUT',
      msg('error.exec.timedOut', { program: name, time: seconds }),
      undefined,
      {
        ...failure({ signal: result.signal ?? null, stderrTail }),
      },
    )
  }
  const exitCode = result.exitCode
  if (exitCode === undefined) {
    // Killed by a signal someone else sent, or could not be started for another reason.
    const why =
      result.signal !== undefined
        ? msg('error.exec.killedBy', { signal: result.signal })
        : `${result.shortMessage ?? 'unknown error'}.`
    throw new VireoError('COMMAND_FAILED', msg('error.exec.failed', { program: name, reason: why }), undefined, {
      ...failure({ signal: result.signal ?? null, stderrTail }),
    })
  }
  if (!(options.okExitCodes ?? [0]).includes(exitCode)) {
    const reason = mainMessage(stderrTail, name) ?? msg('error.exec.exitCode', { code: exitCode })
    throw new VireoError('COMMAND_FAILED', msg('error.exec.failed', { program: name, reason }), undefined, {
      ...failure({ exitCode, stderrTail }),
    })
  }
  return { stdout, stderr, exitCode }
}

/** The `details` of a COMMAND_FAILED or TIMEOUT error thrown by runCommand, or undefined. */
export function commandFailure(error: unknown): CommandFailure | undefined {
  if (!(error instanceof VireoError) || error.details === undefined) return undefined
  const d = error.details
  if (!Array.isArray(d.command) || !Array.isArray(d.stderrTail)) return undefined
  return d as unknown as CommandFailure
}

/**
 * The line of stderr that says what went wrong: the last one a program prefixed with its own
 * name (`qemu-img: Could not open …`), without that prefix; else the last line.
 */
export function mainMessage(stderrLines: readonly string[], program: string): string | undefined {
  const prefix = `${program}: `
  const own = stderrLines.filter((l) => l.startsWith(prefix))
  const line = own.at(-1) ?? stderrLines.at(-1)
  if (line === undefined) return undefined
  return line.startsWith(prefix) ? line.slice(prefix.length) : line
}

export function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(-count)
}

/** A command line for people to read (and paste into a shell): arguments quoted when needed. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))
    .join(' ')
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`
}
