import type { QmpEvent } from '../qmp/qmp-client'
import type { LaunchRecord } from './runtime-records'
import { msg } from '../messages/message'
import { canMove, detailOf, type PauseRecord, type VmRuntime, type VmState } from './vm-state'

// What QEMU says of a running VM, turned into its runtime: a pure function from the runtime
// and one thing QEMU said (an event, a `query-status` answer) to the next runtime. The
// supervisor owns the connections and applies it; moves follow vm-state.ts.

/** QEMU's answer to `query-status` (it also carries `running` and `singlestep`, unused here). */
export interface StatusAnswer {
  status: string
}

export type RuntimeInput =
  /** An event on the event connection (`qmp.sock`). */
  | { kind: 'event'; event: Pick<QmpEvent, 'event' | 'data'> }
  /** `query-status`, asked after a command of ours (stop, cont, a panicked guest's reset). */
  | { kind: 'status'; answer: StatusAnswer }
  /**
   * A live QEMU of this VM found through its pidfile (re-attach), with its `query-status`
   * answer, or null if it gave none. Not a move: a first look at a run this front end did not
   * see start, so the runtime before it (stopped, crashed, or none) is not asked.
   */
  | { kind: 'found'; live: Pick<LaunchRecord, 'pid' | 'accel' | 'startedAt'>; answer: StatusAnswer | null }

export interface RuntimeStep {
  runtime: VmRuntime
  /** Whether front ends are told of it; a pause's reason noted for the STOP to come is not. */
  announce: boolean
  /** A move the input asked for that vm-state.ts forbids: not applied (`runtime` is the one before). */
  illegal?: { from: VmState; to: VmState }
}

export const PANICKED: PauseRecord = {
  reason: 'guest-panic',
  ...detailOf(msg('stop.guestPanicked')),
}

export function reduceRuntime(runtime: VmRuntime, input: RuntimeInput): RuntimeStep {
  switch (input.kind) {
    case 'event':
      return onEvent(runtime, input.event)
    case 'status':
      return onStatus(runtime, input.answer)
    case 'found':
      return { runtime: found(input.live, input.answer), announce: true }
  }
}

function onEvent(runtime: VmRuntime, { event, data }: Pick<QmpEvent, 'event' | 'data'>): RuntimeStep {
  switch (event) {
    case 'STOP':
      // A STOP while starting or shutting down, or already paused, changes nothing shown.
      if (runtime.state !== 'running') return unchanged(runtime)
      return move(runtime, { ...runtime, state: 'paused', pause: runtime.pause ?? { reason: 'user' } })
    case 'RESUME':
      return move(runtime, { ...withoutPause(runtime), state: 'running' })
    case 'GUEST_PANICKED':
      // Comes before the STOP of `-action panic=pause`, which then shows it paused.
      return { runtime: { ...runtime, pause: PANICKED }, announce: false }
    case 'BLOCK_IO_ERROR':
      // Comes before the STOP of `werror=enospc`/`rerror`, which then shows it paused.
      return {
        runtime: {
          ...runtime,
          pause: {
            reason: 'io-error',
            ...detailOf(
              data.nospace === true
                ? msg('stop.hostDiskFull')
                : msg('stop.diskError', { reason: String(data.reason ?? 'I/O error') }),
            ),
          },
        },
        announce: false,
      }
    default:
      // SHUTDOWN is the run's (run-stop.ts), RESET the supervisor's `reset` event; the rest
      // (DEVICE_TRAY_MOVED, POWERDOWN, …) leave the runtime as it is.
      return unchanged(runtime)
  }
}

/** A status answer moves only between running and paused; every state but `running` is paused. */
function onStatus(runtime: VmRuntime, { status }: StatusAnswer): RuntimeStep {
  const paused = status !== 'running'
  if (paused && runtime.state === 'running') {
    return move(runtime, { ...runtime, state: 'paused', pause: status === 'guest-panicked' ? PANICKED : { reason: 'user' } })
  }
  if (!paused && runtime.state === 'paused') return move(runtime, { ...withoutPause(runtime), state: 'running' })
  return unchanged(runtime)
}

function found(live: Pick<LaunchRecord, 'pid' | 'accel' | 'startedAt'>, answer: StatusAnswer | null): VmRuntime {
  const status = answer?.status
  return {
    state: status === 'paused' || status === 'io-error' ? 'paused' : 'running',
    pid: live.pid,
    accel: live.accel,
    startedAt: live.startedAt,
    ...(status === 'io-error' ? { pause: { reason: 'io-error', ...detailOf(msg('stop.hostDiskFailing')) } } : {}),
  }
}

function move(runtime: VmRuntime, next: VmRuntime): RuntimeStep {
  if (!canMove(runtime.state, next.state)) {
    return { runtime, announce: false, illegal: { from: runtime.state, to: next.state } }
  }
  return { runtime: next, announce: true }
}

function unchanged(runtime: VmRuntime): RuntimeStep {
  return { runtime, announce: false }
}

function withoutPause(runtime: VmRuntime): VmRuntime {
  const { pause: _pause, ...rest } = runtime
  return rest
}
