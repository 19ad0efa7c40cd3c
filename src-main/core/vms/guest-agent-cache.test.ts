import { describe, expect, it, vi } from 'vitest'
import { fakeAgent, goodAgent } from '../testing/fake-agent'
import { GuestAgentCache } from './guest-agent-cache'

const TIMEOUT_MS = 1000
/** Resolves with 'waited' after half the agent's timeout: an answer from the cache comes well before. */
const halfTimeout = (): Promise<'waited'> => new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 2, 'waited'))

function interfaces(ip: string): unknown {
  return [{ name: 'eth0', 'ip-addresses': [{ 'ip-address': ip, prefix: 24 }] }]
}

describe('what the guest agent last said (the details never wait on a guest)', () => {
  it('waits for the first ask only: a guest without an agent then answers at once, every time', async () => {
    const socket = await fakeAgent(() => {})
    const cache = new GuestAgentCache(TIMEOUT_MS)
    expect((await cache.get('vm', 10, socket)).connected).toBe(false)
    for (let i = 0; i < 3; i++) {
      expect(await Promise.race([cache.get('vm', 10, socket), halfTimeout()])).toMatchObject({ connected: false })
    }
  })

  it('shows the last answer at once and asks again behind it, one ask at a time', async () => {
    const answers: Record<string, unknown> = { 'guest-network-get-interfaces': interfaces('10.0.2.15') }
    const seen: string[] = []
    const socket = await fakeAgent(goodAgent(answers, seen))
    const cache = new GuestAgentCache(TIMEOUT_MS)
    expect((await cache.get('vm', 10, socket)).ipAddresses).toEqual(['10.0.2.15/24'])
    answers['guest-network-get-interfaces'] = interfaces('10.0.2.16')
    const pings = seen.filter((c) => c === 'guest-ping').length
    expect((await cache.get('vm', 10, socket)).ipAddresses).toEqual(['10.0.2.15/24'])
    expect((await cache.get('vm', 10, socket)).ipAddresses).toEqual(['10.0.2.15/24'])
    await vi.waitFor(async () => expect((await cache.get('vm', 10, socket)).ipAddresses).toEqual(['10.0.2.16/24']))
    // The two quick asks shared one ask of the agent.
    expect(seen.filter((c) => c === 'guest-ping').length - pings).toBeLessThanOrEqual(2)
  })

  it('starts afresh for a new QEMU process and after forget', async () => {
    const good = await fakeAgent(goodAgent({ 'guest-network-get-interfaces': interfaces('10.0.2.15') }))
    const silent = await fakeAgent(() => {})
    const cache = new GuestAgentCache(TIMEOUT_MS)
    expect((await cache.get('vm', 10, good)).connected).toBe(true)
    expect((await cache.get('vm', 11, silent)).connected).toBe(false)
    expect((await cache.get('vm', 12, good)).connected).toBe(true)
    cache.forget('vm')
    expect((await cache.get('vm', 12, silent)).connected).toBe(false)
  })
})
