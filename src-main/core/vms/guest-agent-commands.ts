import type { GuestAgentInfo } from '../types'
import { agentCall, type AgentCallOptions } from './guest-agent'

export const NO_AGENT: GuestAgentInfo = { connected: false, ipAddresses: [], os: null }

interface Interface {
  name?: unknown
  'ip-addresses'?: unknown
}

/** Asks the agent for the guest's addresses and OS; never throws (no agent: NO_AGENT). */
export async function guestAgentInfo(socket: string, options?: AgentCallOptions): Promise<GuestAgentInfo> {
  try {
    await agentCall(socket, 'guest-ping', undefined, options)
  } catch {
    return NO_AGENT
  }
  const [interfaces, osinfo] = await Promise.all([
    agentCall<unknown>(socket, 'guest-network-get-interfaces', undefined, options).catch(() => []),
    agentCall<unknown>(socket, 'guest-get-osinfo', undefined, options).catch(() => null),
  ])
  return { connected: true, ipAddresses: addresses(interfaces), os: osName(osinfo) }
}

function addresses(interfaces: unknown): string[] {
  if (!Array.isArray(interfaces)) return []
  const out: string[] = []
  for (const iface of interfaces as Interface[]) {
    if (iface?.name === 'lo' || !Array.isArray(iface?.['ip-addresses'])) continue
    for (const a of iface['ip-addresses'] as { 'ip-address'?: unknown; prefix?: unknown }[]) {
      const ip = a?.['ip-address']
      if (typeof ip !== 'string' || ip.length > 64) continue
      if (ip.startsWith('127.') || ip === '::1') continue
      out.push(typeof a.prefix === 'number' ? `${ip}/${a.prefix}` : ip)
    }
  }
  return out.slice(0, 32)
}

function osName(info: unknown): string | null {
  if (typeof info !== 'object' || info === null) return null
  const o = info as Record<string, unknown>
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 120) : null)
  const pretty = text(o['pretty-name'])
  if (pretty !== null) return pretty
  const name = text(o.name)
  const version = text(o.version)
  return name === null ? null : version === null ? name : `${name} ${version}`
}

/** Asks the guest to power off or reboot through its agent; rejects (AgentError) if it cannot. */
export async function agentPower(socket: string, mode: 'powerdown' | 'reboot'): Promise<void> {
  // The agent must be there to hear it: guest-shutdown itself answers nothing.
  await agentCall(socket, 'guest-ping')
  await agentCall(socket, 'guest-shutdown', { mode }, { noReply: true })
}

/** Freezes the guest's file systems; false when there is no agent to do it (the save goes on). */
export async function agentFreeze(socket: string): Promise<boolean> {
  try {
    await agentCall(socket, 'guest-fsfreeze-freeze', undefined, { timeoutMs: 10_000 })
    return true
  } catch {
    return false
  }
}

/** Thaws what agentFreeze froze; a failure is swallowed (qemu-ga thaws by itself after a while). */
export async function agentThaw(socket: string): Promise<void> {
  await agentCall(socket, 'guest-fsfreeze-thaw', undefined, { timeoutMs: 10_000 }).catch(() => {})
}
