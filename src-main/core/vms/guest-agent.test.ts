import { describe, expect, it, vi } from 'vitest'
import { fakeAgent, goodAgent } from '../testing/fake-agent'
import { AgentError, AGENT_MAX_BYTES, agentCall } from './guest-agent'
import { agentPower, guestAgentInfo, NO_AGENT } from './guest-agent-commands'

async function rejection(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(AgentError)
  return error as AgentError
}

describe('the guest agent client', () => {
  it('resynchronises past what an earlier client left, then returns the answer', async () => {
    const path = await fakeAgent(goodAgent({ 'guest-ping': {}, 'guest-info': { version: '7.2' } }))
    expect(await agentCall(path, 'guest-info')).toEqual({ version: '7.2' })
  })

  it('reads the guest’s addresses (not loopback) and OS name', async () => {
    const path = await fakeAgent(
      goodAgent({
        'guest-network-get-interfaces': [
          { name: 'lo', 'ip-addresses': [{ 'ip-address': '127.0.0.1', prefix: 8 }] },
          { name: 'eth0', 'ip-addresses': [{ 'ip-address': '10.0.2.15', prefix: 24 }, { 'ip-address': 'fe80::1', prefix: 64 }] },
        ],
        'guest-get-osinfo': { name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)' },
      }),
    )
    expect(await guestAgentInfo(path)).toEqual({
      connected: true,
      ipAddresses: ['10.0.2.15/24', 'fe80::1/64'],
      os: 'Debian GNU/Linux 12 (bookworm)',
    })
  })

  it('sends guest-shutdown after a ping and does not wait for an answer it never gets', async () => {
    const seen: string[] = []
    const path = await fakeAgent(goodAgent({}, seen))
    await agentPower(path, 'reboot')
    // Sent is not yet read: the stand-in reads it a moment later.
    await vi.waitFor(() => expect(seen.filter((c) => c !== 'guest-sync-delimited')).toEqual(['guest-ping', 'guest-shutdown']))
  })

  it('gives up on an agent that never answers (no agent in the guest) when the time is up', async () => {
    const path = await fakeAgent(() => {})
    expect((await rejection(agentCall(path, 'guest-ping', undefined, { timeoutMs: 300 }))).reason).toBe('timeout')
    expect(await guestAgentInfo(path, { timeoutMs: 300 })).toEqual(NO_AGENT)
    expect((await rejection(agentPower(path, 'powerdown'))).reason).toBe('timeout')
  })

  it('refuses garbage as an answer', async () => {
    const path = await fakeAgent((socket) => socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from('not json at all\n')])))
    expect((await rejection(agentCall(path, 'guest-ping'))).reason).toBe('garbage')
  })

  it('refuses a sync answered with the wrong id', async () => {
    const path = await fakeAgent((socket) => socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from('{"return": 7}\n')])))
    expect((await rejection(agentCall(path, 'guest-ping'))).reason).toBe('garbage')
  })

  it('stops reading a flood (an endless line) at its bound', async () => {
    const path = await fakeAgent((socket) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      socket.write(Buffer.from([0xff]))
      for (let i = 0; i < (AGENT_MAX_BYTES / chunk.length) * 4; i++) socket.write(chunk)
    })
    expect((await rejection(agentCall(path, 'guest-ping', undefined, { timeoutMs: 20_000 }))).reason).toBe('flood')
  })

  it('says the agent is unreachable when there is no socket', async () => {
    expect((await rejection(agentCall('/nonexistent/agent.sock', 'guest-ping'))).reason).toBe('unreachable')
  })
})
