import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'

/**
 * Where a VM's VNC server is reached: the path of a UNIX socket on this machine (a local VM),
 * or a function that opens a stream to it (a console tunnelled over a connection's SSH).
 */
export type VncEndpoint = string | (() => Duplex)

/** Where a console connection goes: a console key (connection and VM) and its VNC endpoint. */
export interface ConsoleTarget {
  vmId: string
  socketPath: VncEndpoint
}

export interface ConsoleTicket {
  /** 32 random bytes, base64url (43 characters). */
  token: string
  /** Epoch milliseconds after which the token no longer opens a connection. */
  expiresAt: number
}

export interface ConsoleTokensOptions {
  /** How long a token may wait before it is used. Default 60 s. */
  ttlMs?: number
  /** The clock, for tests. */
  now?: () => number
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/**
 * Short-lived, single-use tokens for opening a VM's console. A front end asks for one just
 * before it connects; the token opens exactly one WebSocket within its lifetime, and that
 * connection then lives as long as both ends do. Tokens are kept in memory only.
 */
export class ConsoleTokens {
  private readonly tickets = new Map<string, ConsoleTarget & { expiresAt: number }>()
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(options: ConsoleTokensOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000
    this.now = options.now ?? Date.now
  }

  issue(vmId: string, socketPath: VncEndpoint, options: { ttlMs?: number } = {}): ConsoleTicket {
    this.prune()
    const token = randomBytes(32).toString('base64url')
    const expiresAt = this.now() + (options.ttlMs ?? this.ttlMs)
    this.tickets.set(token, { vmId, socketPath, expiresAt })
    return { token, expiresAt }
  }

  /** The target of a valid token, which is used up by this call; null for anything else. */
  redeem(token: string): ConsoleTarget | null {
    this.prune()
    if (!TOKEN_PATTERN.test(token)) return null
    const ticket = this.tickets.get(token)
    if (ticket === undefined) return null
    this.tickets.delete(token)
    return { vmId: ticket.vmId, socketPath: ticket.socketPath }
  }

  /** Withdraws every unused token for `vmId` (the VM stopped); returns how many. */
  revoke(vmId: string): number {
    let count = 0
    for (const [token, ticket] of this.tickets) {
      if (ticket.vmId === vmId) {
        this.tickets.delete(token)
        count++
      }
    }
    return count
  }

  /** Unused, unexpired tokens. */
  get size(): number {
    this.prune()
    return this.tickets.size
  }

  private prune(): void {
    const now = this.now()
    for (const [token, ticket] of this.tickets) {
      if (ticket.expiresAt <= now) this.tickets.delete(token)
    }
  }
}
