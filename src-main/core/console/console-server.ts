import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import type { ConsoleTarget, ConsoleTokens } from './console-tokens'
import { ConsoleCloseCode, bridgeVnc, type VncBridge } from './vnc-bridge'

export interface ConsoleServerOptions {
  tokens: ConsoleTokens
  /** Where console URLs live: `<pathPrefix><vmId>?token=…`. Default `/console/`. */
  pathPrefix?: string
  /**
   * Checks the `Origin` header (browsers always send it); a refusal answers 403. By default
   * any origin is accepted: the single-use token is what admits a client.
   */
  verifyOrigin?: (origin: string | undefined) => boolean
  /** Largest message a client may send, in bytes. Default 8 MiB. */
  maxPayload?: number
}

/**
 * Accepts console WebSockets at `/console/<vmId>?token=…` and bridges each to its VM's VNC
 * socket. It owns no HTTP server: whoever owns one routes upgrade requests to
 * `handleUpgrade` (the web host), or lets `attach` do that (a loopback server in Electron).
 * A missing, wrong, used or expired token gets a bare 401 and nothing else.
 */
export class ConsoleServer {
  /** Made on the first console: a front end that never opens one (the CLI) never loads ws. */
  private wss: Promise<WebSocketServer> | null = null
  private readonly prefix: string
  private readonly bridges = new Map<string, Set<VncBridge>>()
  private closing = false

  constructor(private readonly options: ConsoleServerOptions) {
    this.prefix = options.pathPrefix ?? '/console/'
  }

  private server(): Promise<WebSocketServer> {
    this.wss ??= import('ws').then(
      ({ WebSocketServer }) =>
        new WebSocketServer({
          noServer: true,
          clientTracking: false,
          perMessageDeflate: false,
          maxPayload: this.options.maxPayload ?? 8 * 1024 * 1024,
          // noVNC may ask for the `binary` subprotocol; any other it asks for alone is not spoken.
          handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
        }),
    )
    return this.wss
  }

  /** The path (with query) a client connects to with `token`. */
  consolePath(vmId: string, token: string): string {
    return `${this.prefix}${encodeURIComponent(vmId)}?token=${encodeURIComponent(token)}`
  }

  /** Whether an upgrade request is addressed to the console (so the caller routes it here). */
  handles(req: IncomingMessage): boolean {
    return parseUrl(req.url)?.pathname.startsWith(this.prefix) ?? false
  }

  /** Answers one upgrade request: a bridged WebSocket, or an HTTP error and a closed socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) return reject(socket, 503, 'Service Unavailable')
    const url = parseUrl(req.url)
    if (url === null || !url.pathname.startsWith(this.prefix)) {
      return reject(socket, 404, 'Not Found')
    }
    if (this.options.verifyOrigin && !this.options.verifyOrigin(req.headers.origin)) {
      return reject(socket, 403, 'Forbidden')
    }
    const vmId = decodeSegment(url.pathname.slice(this.prefix.length))
    const token = url.searchParams.get('token')
    const target = token === null ? null : this.options.tokens.redeem(token)
    if (vmId === null || target === null || target.vmId !== vmId) {
      return reject(socket, 401, 'Unauthorized')
    }
    // The socket holds what the client sends meanwhile: an upgraded socket has no reader yet.
    void this.server().then(
      (wss) => {
        if (this.closing) return reject(socket, 503, 'Service Unavailable')
        wss.handleUpgrade(req, socket, head, (ws) => this.open(target, ws))
      },
      () => reject(socket, 500, 'Internal Server Error'),
    )
  }

  /**
   * Routes `server`'s upgrade requests here; requests for other paths get 404. For a server
   * that exists only for consoles. Returns a function that undoes it.
   */
  attach(server: Server): () => void {
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
      this.handleUpgrade(req, socket, head)
    server.on('upgrade', listener)
    return () => server.off('upgrade', listener)
  }

  /** Open console connections, of one VM or of all. */
  connectionCount(vmId?: string): number {
    if (vmId !== undefined) return this.bridges.get(vmId)?.size ?? 0
    let n = 0
    for (const set of this.bridges.values()) n += set.size
    return n
  }

  /** Closes the consoles of one VM and withdraws its unused tokens. */
  closeVm(vmId: string): void {
    this.options.tokens.revoke(vmId)
    for (const bridge of this.bridges.get(vmId) ?? []) bridge.close()
  }

  /** Closes every console and refuses new ones; resolves once all are closed. */
  async close(): Promise<void> {
    this.closing = true
    const all = [...this.bridges.values()].flatMap((set) => [...set])
    for (const bridge of all) bridge.close(ConsoleCloseCode.goingAway, 'Vireo is shutting down.')
    await Promise.all(all.map((b) => b.closed))
    if (this.wss !== null) (await this.wss).close()
  }

  private open(target: ConsoleTarget, ws: WebSocket): void {
    const bridge = bridgeVnc(ws, target.socketPath)
    let set = this.bridges.get(target.vmId)
    if (set === undefined) {
      set = new Set()
      this.bridges.set(target.vmId, set)
    }
    set.add(bridge)
    void bridge.closed.then(() => {
      set.delete(bridge)
      if (set.size === 0 && this.bridges.get(target.vmId) === set) this.bridges.delete(target.vmId)
    })
  }
}

function parseUrl(raw: string | undefined): URL | null {
  if (raw === undefined || !raw.startsWith('/')) return null
  try {
    return new URL(raw, 'http://console.invalid')
  } catch {
    return null
  }
}

/** One non-empty path segment, percent-decoded; null for anything else. */
function decodeSegment(encoded: string): string | null {
  if (encoded === '' || encoded.includes('/')) return null
  try {
    return decodeURIComponent(encoded)
  } catch {
    return null
  }
}

/** A bare HTTP error: status line, no body, connection closed. */
function reject(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => socket.destroy())
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
