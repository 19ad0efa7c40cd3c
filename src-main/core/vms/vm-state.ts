/** The states a VM can be in, and the moves between them: written down once, here. */
import { english, type Message } from '../messages/message'

export const vmStates = [
  'stopped',
  'starting',
  'running',
  'paused',
  'shutting-down',
  'crashed',
] as const
export type VmState = (typeof vmStates)[number]

const legal: Record<VmState, readonly VmState[]> = {
  stopped: ['starting'],
  crashed: ['starting'],
  starting: ['running', 'paused', 'stopped', 'crashed'],
  running: ['paused', 'shutting-down', 'stopped', 'crashed'],
  paused: ['running', 'shutting-down', 'stopped', 'crashed'],
  // A guest that ignores the ACPI request goes back to running when the wait times out.
  'shutting-down': ['stopped', 'crashed', 'running', 'paused'],
}

export function canMove(from: VmState, to: VmState): boolean {
  return from === to || legal[from].includes(to)
}

/** Why a VM last stopped, shown in the list and the details. */
export interface StopRecord {
  reason: 'guest-shutdown' | 'forced' | 'crashed' | 'host-signal' | 'unknown'
  at: string
  /** The last lines QEMU printed on stderr, for a crash. */
  stderrTail?: string[]
  detail?: string
  /** detail as a message, for a front end to say in its user's language (absent in old records). */
  detailText?: Message
}

/** Why a running VM is paused when the user did not ask for it (e.g. the host disk is full). */
export interface PauseRecord {
  reason: 'user' | 'io-error' | 'guest-panic'
  detail?: string
  detailText?: Message
}

/** `{ detail, detailText }` of a stop or pause record: the English text and its message. */
export function detailOf(message: Message): { detail: string; detailText: Message } {
  return { detail: english(message), detailText: message }
}

/** What the supervisor knows of a VM's run now (its state, and the QEMU behind it). */
export interface VmRuntime {
  state: VmState
  pid?: number
  accel?: 'kvm' | 'tcg'
  startedAt?: string
  lastStop?: StopRecord
  pause?: PauseRecord
  /** Helpers of this run (swtpm) that died while the VM runs: the guest has lost them. */
  helpersDown?: 'swtpm'[]
}
