import type { GuestAgentInfo } from '../types'
import { guestAgentInfo, NO_AGENT } from './guest-agent-commands'

/** How long a first ask waits for the guest agent: a guest without one must not slow the details. */
export const AGENT_FIRST_ASK_TIMEOUT_MS = 800

interface Entry {
  pid: number
  info?: GuestAgentInfo
  asking?: Promise<GuestAgentInfo>
}

/**
 * What each running VM's guest agent last said (FAULTS 34: the UI never waits on it). The first
 * ask for a QEMU process waits for the agent, briefly; after that the last answer comes back at
 * once and the agent is asked again behind it, one ask at a time, so details shown over and over
 * (a guest with no agent above all) never wait. Keyed by VM and QEMU pid: a VM started again
 * starts afresh, and a VM seen stopped is forgotten.
 */
export class GuestAgentCache {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly timeoutMs = AGENT_FIRST_ASK_TIMEOUT_MS) {}

  get(vmId: string, pid: number, socket: string): Promise<GuestAgentInfo> {
    let entry = this.entries.get(vmId)
    if (entry?.pid !== pid) {
      entry = { pid }
      this.entries.set(vmId, entry)
    }
    const asking = entry.asking ?? this.askAgain(entry, socket)
    return entry.info ? Promise.resolve(entry.info) : asking
  }

  private askAgain(entry: Entry, socket: string): Promise<GuestAgentInfo> {
    const asking = guestAgentInfo(socket, { timeoutMs: this.timeoutMs }).then(
      (info) => (entry.info = info),
      () => entry.info ?? NO_AGENT,
    )
    entry.asking = asking
    void asking.finally(() => {
      if (entry.asking === asking) entry.asking = undefined
    })
    return asking
  }

  /** The VM is not running: what its agent said is no longer true. */
  forget(vmId: string): void {
    this.entries.delete(vmId)
  }
}
