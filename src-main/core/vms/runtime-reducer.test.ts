import { describe, expect, it } from 'vitest'
import { parseQmpLine, type QmpEvent } from '../qmp/qmp-protocol'
import { PANICKED, reduceRuntime, type RuntimeInput, type RuntimeStep } from './runtime-reducer'
import type { VmRuntime, VmState } from './vm-state'

// The lines as QEMU 7.2 writes them on the event connection (its QAPI schema: run-state.json
// and block-core.json), parsed by the same code that reads the socket.
const lines = {
  STOP: '{"timestamp": {"seconds": 1733100000, "microseconds": 512347}, "event": "STOP"}',
  RESUME: '{"timestamp": {"seconds": 1733100001, "microseconds": 1203}, "event": "RESUME"}',
  SHUTDOWN: '{"timestamp": {"seconds": 1733100002, "microseconds": 88213}, "event": "SHUTDOWN", "data": {"guest": true, "reason": "guest-shutdown"}}',
  SHUTDOWN_QUIT: '{"timestamp": {"seconds": 1733100002, "microseconds": 88213}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}',
  RESET: '{"timestamp": {"seconds": 1733100003, "microseconds": 4021}, "event": "RESET", "data": {"guest": true, "reason": "guest-reset"}}',
  POWERDOWN: '{"timestamp": {"seconds": 1733100004, "microseconds": 300}, "event": "POWERDOWN"}',
  GUEST_PANICKED: '{"timestamp": {"seconds": 1733100005, "microseconds": 7312}, "event": "GUEST_PANICKED", "data": {"action": "pause"}}',
  BLOCK_IO_ERROR_NOSPACE: '{"timestamp": {"seconds": 1733100006, "microseconds": 99120}, "event": "BLOCK_IO_ERROR", "data": {"device": "", "nospace": true, "node-name": "disk0", "reason": "No space left on device", "operation": "write", "action": "stop"}}',
  BLOCK_IO_ERROR_EIO: '{"timestamp": {"seconds": 1733100006, "microseconds": 99120}, "event": "BLOCK_IO_ERROR", "data": {"device": "", "nospace": false, "node-name": "disk0", "reason": "Input/output error", "operation": "read", "action": "stop"}}',
  DEVICE_TRAY_MOVED: '{"timestamp": {"seconds": 1733100007, "microseconds": 14}, "event": "DEVICE_TRAY_MOVED", "data": {"device": "", "id": "cd0-dev", "tray-open": true}}',
} as const

function event(name: keyof typeof lines): RuntimeInput {
  const message = parseQmpLine(lines[name])
  if (message?.kind !== 'event') throw new Error(`not a QMP event: ${lines[name]}`)
  const { kind: _kind, ...e } = message
  return { kind: 'event', event: e satisfies QmpEvent }
}

/** `query-status` as QEMU 7.2 answers it. */
function status(value: string): RuntimeInput {
  return { kind: 'status', answer: { status: value, singlestep: false, running: value === 'running' } as { status: string } }
}

function run(runtime: VmRuntime, ...inputs: RuntimeInput[]): { runtime: VmRuntime; steps: RuntimeStep[] } {
  const steps: RuntimeStep[] = []
  for (const input of inputs) {
    const step = reduceRuntime(runtime, input)
    steps.push(step)
    runtime = step.runtime
  }
  return { runtime, steps }
}

const live = { pid: 4242, accel: 'kvm' as const, startedAt: '2026-12-02T04:00:00.000Z' }
const running: VmRuntime = { state: 'running', ...live }
const states: VmState[] = ['stopped', 'starting', 'running', 'paused', 'shutting-down', 'crashed']

describe('QMP events on the event connection', () => {
  it('STOP pauses a running guest, as the user’s pause, and says so', () => {
    expect(reduceRuntime(running, event('STOP'))).toEqual({
      runtime: { ...running, state: 'paused', pause: { reason: 'user' } },
      announce: true,
    })
  })

  it('STOP changes nothing unless the guest was running (starting, shutting down, paused, stopped)', () => {
    for (const state of states.filter((s) => s !== 'running')) {
      const before: VmRuntime = { state }
      expect(reduceRuntime(before, event('STOP')), state).toEqual({ runtime: before, announce: false })
    }
  })

  it('a kernel panic (GUEST_PANICKED, then the STOP of -action panic=pause) leaves it paused as crashed', () => {
    const { runtime, steps } = run(running, event('GUEST_PANICKED'), event('STOP'))
    expect(steps[0]).toEqual({ runtime: { ...running, pause: PANICKED }, announce: false })
    expect(runtime).toEqual({ ...running, state: 'paused', pause: PANICKED })
    expect(steps[1]?.announce).toBe(true)
  })

  it('a full host disk (BLOCK_IO_ERROR with nospace, then STOP) pauses it saying the disk is full', () => {
    const { runtime, steps } = run(running, event('BLOCK_IO_ERROR_NOSPACE'), event('STOP'))
    expect(steps[0]?.announce).toBe(false)
    expect(steps[0]?.runtime.state).toBe('running')
    expect(runtime).toEqual({
      ...running,
      state: 'paused',
      pause: { reason: 'io-error', detail: 'The host disk is full: the guest was paused. Free some space, then resume.', detailText: { key: 'stop.hostDiskFull' } },
    })
  })

  it('another disk error pauses it with QEMU’s reason', () => {
    const { runtime } = run(running, event('BLOCK_IO_ERROR_EIO'), event('STOP'))
    expect(runtime.pause).toEqual({
      reason: 'io-error',
      detail: 'A disk error paused the guest (Input/output error).',
      detailText: { key: 'stop.diskError', params: { reason: 'Input/output error' } },
    })
  })

  it('RESUME runs a paused guest again and forgets why it was paused', () => {
    const paused: VmRuntime = { ...running, state: 'paused', pause: { reason: 'io-error', detail: 'full' } }
    expect(reduceRuntime(paused, event('RESUME'))).toEqual({ runtime: running, announce: true })
  })

  it('RESUME is a legal move from starting, running and shutting down, and is said each time', () => {
    for (const state of ['starting', 'running', 'shutting-down'] as const) {
      expect(reduceRuntime({ ...running, state }, event('RESUME')), state).toEqual({ runtime: running, announce: true })
    }
  })

  it('RESUME on a stopped or crashed VM is an illegal move: reported, not applied', () => {
    for (const state of ['stopped', 'crashed'] as const) {
      const before: VmRuntime = { state, lastStop: { reason: 'crashed', at: '2026-12-02T04:01:00.000Z' } }
      expect(reduceRuntime(before, event('RESUME')), state).toEqual({
        runtime: before,
        announce: false,
        illegal: { from: state, to: 'running' },
      })
    }
  })

  it('SHUTDOWN, RESET, POWERDOWN and DEVICE_TRAY_MOVED leave the runtime as it is', () => {
    for (const name of ['SHUTDOWN', 'SHUTDOWN_QUIT', 'RESET', 'POWERDOWN', 'DEVICE_TRAY_MOVED'] as const) {
      for (const state of states) {
        const before: VmRuntime = { ...running, state }
        expect(reduceRuntime(before, event(name)), `${name} while ${state}`).toEqual({ runtime: before, announce: false })
      }
    }
  })

  it('pause, resume, panic: the whole sequence QEMU sends for a user pause and a crash', () => {
    const { runtime, steps } = run(running, event('STOP'), event('RESUME'), event('GUEST_PANICKED'), event('STOP'), event('RESET'))
    expect(steps.map((s) => [s.runtime.state, s.announce])).toEqual([
      ['paused', true],
      ['running', true],
      ['running', false],
      ['paused', true],
      ['paused', false],
    ])
    expect(runtime.pause).toEqual(PANICKED)
  })
})

describe('query-status answers after a command', () => {
  const pausedStatuses = ['paused', 'io-error', 'prelaunch', 'suspended', 'shutdown', 'internal-error', 'inmigrate', 'postmigrate', 'debug', 'watchdog', 'save-vm', 'restore-vm', 'finish-migrate', 'colo']

  it('any status but running pauses a running guest, as the user’s pause', () => {
    for (const value of pausedStatuses) {
      expect(reduceRuntime(running, status(value)), value).toEqual({
        runtime: { ...running, state: 'paused', pause: { reason: 'user' } },
        announce: true,
      })
    }
  })

  it('guest-panicked pauses a running guest as crashed', () => {
    expect(reduceRuntime(running, status('guest-panicked')).runtime).toEqual({ ...running, state: 'paused', pause: PANICKED })
  })

  it('running runs a paused guest again and forgets why it was paused', () => {
    expect(reduceRuntime({ ...running, state: 'paused', pause: PANICKED }, status('running'))).toEqual({ runtime: running, announce: true })
  })

  it('an answer that agrees with the runtime changes nothing (a paused guest keeps its reason)', () => {
    const paused: VmRuntime = { ...running, state: 'paused', pause: { reason: 'io-error', detail: 'full' } }
    expect(reduceRuntime(running, status('running'))).toEqual({ runtime: running, announce: false })
    for (const value of [...pausedStatuses, 'guest-panicked']) {
      expect(reduceRuntime(paused, status(value)), value).toEqual({ runtime: paused, announce: false })
    }
  })

  it('moves only between running and paused: starting, shutting down, stopped and crashed stay', () => {
    for (const state of ['starting', 'shutting-down', 'stopped', 'crashed'] as const) {
      for (const value of ['running', 'paused', 'guest-panicked']) {
        const before: VmRuntime = { ...running, state }
        expect(reduceRuntime(before, status(value)), `${value} while ${state}`).toEqual({ runtime: before, announce: false })
      }
    }
  })
})

describe('a live QEMU found through its pidfile (re-attach)', () => {
  const found = (answer: string | null, before: VmRuntime = { state: 'stopped' }): RuntimeStep =>
    reduceRuntime(before, { kind: 'found', live, answer: answer === null ? null : { status: answer } })

  it('running, or no answer at all, is running, with the process’s pid, accelerator and start', () => {
    expect(found('running')).toEqual({ runtime: running, announce: true })
    expect(found(null)).toEqual({ runtime: running, announce: true })
  })

  it('paused is paused, with no reason known', () => {
    expect(found('paused').runtime).toEqual({ ...running, state: 'paused' })
  })

  it('io-error is paused by a failing or full host disk', () => {
    expect(found('io-error').runtime).toEqual({
      ...running,
      state: 'paused',
      pause: { reason: 'io-error', detail: 'The host disk is full or failing.', detailText: { key: 'stop.hostDiskFailing' } },
    })
  })

  it('any other status is taken as running (guest-panicked included, as before this reducer)', () => {
    for (const value of ['guest-panicked', 'prelaunch', 'suspended', 'shutdown', 'internal-error']) {
      expect(found(value).runtime, value).toEqual(running)
    }
  })

  it('replaces a stopped or crashed runtime whole (not a move: a first look at a run) and says so', () => {
    const crashed: VmRuntime = { state: 'crashed', lastStop: { reason: 'crashed', at: '2026-12-02T03:00:00.000Z' } }
    expect(found('running', crashed)).toEqual({ runtime: running, announce: true })
  })
})
