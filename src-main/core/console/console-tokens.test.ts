import { describe, expect, it } from 'vitest'
import { ConsoleTokens } from './console-tokens'

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms) }
}

describe('ConsoleTokens', () => {
  it('issues 32 random bytes as base64url with an expiry', () => {
    const c = clock()
    const tokens = new ConsoleTokens({ now: c.now })
    const a = tokens.issue('vm1', '/run/vireo/vm1/vnc.sock')
    const b = tokens.issue('vm1', '/run/vireo/vm1/vnc.sock')
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32)
    expect(a.token).not.toBe(b.token)
    expect(a.expiresAt).toBe(c.now() + 60_000)
  })

  it('redeems a valid token once, to its VM and socket', () => {
    const tokens = new ConsoleTokens()
    const { token } = tokens.issue('vm1', '/run/vireo/vm1/vnc.sock')
    expect(tokens.redeem(token)).toEqual({ vmId: 'vm1', socketPath: '/run/vireo/vm1/vnc.sock' })
    expect(tokens.redeem(token)).toBeNull()
  })

  it('refuses unknown, malformed and empty tokens', () => {
    const tokens = new ConsoleTokens()
    const { token } = tokens.issue('vm1', '/s')
    expect(tokens.redeem('')).toBeNull()
    expect(tokens.redeem(`${token}x`)).toBeNull()
    expect(tokens.redeem(token.slice(0, -1))).toBeNull()
    expect(tokens.redeem(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull()
    expect(tokens.redeem('__proto__')).toBeNull()
    expect(tokens.redeem(token)).not.toBeNull()
  })

  it('refuses a token after its lifetime, and forgets it', () => {
    const c = clock()
    const tokens = new ConsoleTokens({ now: c.now, ttlMs: 1000 })
    const late = tokens.issue('vm1', '/s')
    const custom = tokens.issue('vm1', '/s', { ttlMs: 5000 })
    c.advance(999)
    expect(tokens.size).toBe(2)
    c.advance(1)
    expect(tokens.redeem(late.token)).toBeNull()
    expect(tokens.size).toBe(1)
    expect(tokens.redeem(custom.token)).not.toBeNull()
  })

  it('revokes the unused tokens of one VM only', () => {
    const tokens = new ConsoleTokens()
    const a = tokens.issue('vm1', '/a')
    tokens.issue('vm1', '/a')
    const b = tokens.issue('vm2', '/b')
    expect(tokens.revoke('vm1')).toBe(2)
    expect(tokens.redeem(a.token)).toBeNull()
    expect(tokens.redeem(b.token)).toEqual({ vmId: 'vm2', socketPath: '/b' })
  })
})
