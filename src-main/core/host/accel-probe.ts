import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VireoError, english, msg, type Message } from '../errors'
import { commandFailure, runCommand } from '../exec'
import { kvmProbeGuest, PROBE_EXIT_MISMATCH, PROBE_EXIT_OK, PROBE_MEMORY_MIB } from './probe-guest'

export const DEFAULT_PROBE_TIMEOUT_MS = 5000

export interface ProbeOptions {
  qemuPath: string
  accel: 'kvm' | 'tcg'
  /** Give up (and kill QEMU) after this long; DEFAULT_PROBE_TIMEOUT_MS if unset. */
  timeoutMs?: number
  /** The guest to run; the paging probe guest if unset (tests pass others). */
  guest?: Uint8Array
  /** Where the guest's short-lived folder goes (Vireo's private runtime folder); the temp dir if unset. */
  scratchDir?: string
}

export interface ProbeResult {
  /** The guest ran to completion and reported success. */
  ok: boolean
  /** One sentence: what happened (in English; reasonText as a message). */
  reason: string
  reasonText: Message
  elapsedMs: number
}

/** The QEMU arguments of a probe run: a bare PC with a serial port and isa-debug-exit. */
export function probeArgs(accel: 'kvm' | 'tcg', kernelPath: string): string[] {
  return [
    '-accel',
    accel,
    '-machine',
    'pc',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-m',
    String(PROBE_MEMORY_MIB),
    '-smp',
    '1',
    '-serial',
    'stdio',
    '-device',
    'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-kernel',
    kernelPath,
  ]
}

/**
 * Boots the probe guest under `accel` and says whether it finished. Never throws for a guest
 * that fails: a hang (killed at the timeout), a wrong answer or a QEMU error all come back as
 * `ok: false` with the reason.
 */
export async function probeAccelerator(options: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const dir = await mkdtemp(join(options.scratchDir ?? tmpdir(), 'vireo-probe-'))
  const started = performance.now()
  const elapsed = (): number => Math.round(performance.now() - started)
  try {
    const kernel = join(dir, 'probe.bin')
    await writeFile(kernel, options.guest ?? kvmProbeGuest(), { mode: 0o600 })
    const result = await runCommand(options.qemuPath, probeArgs(options.accel, kernel), {
      timeoutMs,
      killSignal: 'SIGKILL',
      okExitCodes: [PROBE_EXIT_OK],
    })
    const ms = elapsed()
    if (!result.stdout.includes('OK')) {
      return { ok: false, ...said(msg('host.probe.noSuccess')), elapsedMs: ms }
    }
    return { ok: true, ...said(msg('host.probe.ran', { ms })), elapsedMs: ms }
  } catch (error) {
    return { ok: false, ...said(failureReason(error, timeoutMs)), elapsedMs: elapsed() }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function said(reason: Message): { reason: string; reasonText: Message } {
  return { reason: english(reason), reasonText: reason }
}

function failureReason(error: unknown, timeoutMs: number): Message {
  if (!(error instanceof VireoError)) return msg('host.probe.couldNotRun', { reason: String(error) })
  if (error.code === 'TIMEOUT') return msg('host.probe.timeout', { time: formatMs(timeoutMs) })
  const failure = commandFailure(error)
  if (failure?.exitCode === PROBE_EXIT_MISMATCH) return msg('host.probe.mismatch')
  if (failure?.exitCode === 0) return msg('host.probe.noReport')
  return msg('host.probe.qemuFailed', { reason: error.text })
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`
}
