import { describe, expect, it } from 'vitest'
import { RunStop, stopReason } from './run-stop'

type Step = (run: RunStop, claims: string[]) => void

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}

describe('why a run of QEMU ended, whatever order it is seen in', () => {
  // After Force off has marked the run (before it sends `quit`), everything else may come in
  // any order: QEMU's SHUTDOWN (host-qmp-quit, or guest-shutdown from a guest that was
  // powering off), a Shut down waiting meanwhile seeing the exit, and the observers that claim
  // the record (the event connection closing, Force off's and Shut down's waits).
  const steps: Record<string, Step> = {
    'SHUTDOWN host-qmp-quit': (run) => (run.shutdown = { guest: false, reason: 'host-qmp-quit' }),
    'SHUTDOWN guest-shutdown': (run) => (run.shutdown = { guest: true, reason: 'guest-shutdown' }),
    'Shut down sees the exit': (run) => (run.powerdown = true),
    'event connection claims': (run, claims) => void (run.claim() && claims.push(run.reason)),
    'Force off claims': (run, claims) => void (run.claim() && claims.push(run.reason)),
    'Shut down claims': (run, claims) => void (run.claim() && claims.push(run.reason)),
  }

  it('records a Force off as forced, once, in every order (720 of them)', () => {
    const orders = permutations(Object.keys(steps))
    expect(orders).toHaveLength(720)
    for (const order of orders) {
      const run = new RunStop(1234)
      run.forced = true
      const claims: string[] = []
      for (const step of order) steps[step]!(run, claims)
      expect(claims, order.join(' → ')).toEqual(['forced'])
    }
  })

  it('otherwise goes by QEMU’s own reason, then by a powerdown seen to end, else a crash', () => {
    const base = { forced: false, powerdown: false }
    expect(stopReason({ ...base, shutdown: { reason: 'guest-shutdown' } })).toBe('guest-shutdown')
    expect(stopReason({ ...base, shutdown: { reason: 'guest-panic' } })).toBe('crashed')
    expect(stopReason({ ...base, shutdown: { reason: 'host-signal' } })).toBe('host-signal')
    expect(stopReason({ ...base, shutdown: { reason: 'host-qmp-quit' } })).toBe('forced')
    expect(stopReason({ ...base, powerdown: true })).toBe('guest-shutdown')
    expect(stopReason(base)).toBe('crashed')
  })

  it('lets the later observers wait for the record of the first', async () => {
    const run = new RunStop(1)
    expect(run.claim()).toBe(true)
    expect(run.claim()).toBe(false)
    let settled = false
    void run.recorded.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    run.done()
    await run.recorded
    expect(settled).toBe(true)
  })
})
