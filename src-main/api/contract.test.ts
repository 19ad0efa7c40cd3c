import { describe, expect, it } from 'vitest'
import { methods } from './contract'

describe('the contract refuses port forwards that cannot all work', () => {
  const rule = (hostPort: number, guestPort: number, protocol: 'tcp' | 'udp' = 'tcp') => ({
    protocol,
    hostPort,
    guestPort,
  })

  it('refuses one host port forwarded twice (same protocol), naming it and where', () => {
    const parsed = methods.updateVm.safeParse({
      id: 'abcd1234',
      changes: { portForwards: [rule(2222, 22), rule(8080, 80), rule(2222, 2222)] },
    })
    expect(parsed.success).toBe(false)
    const issue = parsed.error?.issues[0]
    expect(issue?.path).toEqual(['changes', 'portForwards', 2, 'hostPort'])
    expect(issue?.message).toMatch(/^Host port 2222 \(TCP\) is forwarded twice/)
    expect(
      methods.createVm.safeParse({
        name: 'web',
        source: { kind: 'none' },
        portForwards: [rule(53, 53, 'udp'), rule(53, 5353, 'udp')],
      }).success,
    ).toBe(false)
  })

  it('takes the same port number over TCP and UDP, and distinct ports', () => {
    const parsed = methods.createVm.safeParse({
      name: 'dns',
      source: { kind: 'none' },
      portForwards: [rule(53, 53, 'tcp'), rule(53, 53, 'udp'), rule(2222, 22)],
    })
    expect(parsed.success).toBe(true)
  })
})
