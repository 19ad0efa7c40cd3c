import { ApiError, isErrorInfo } from './api-error'
import type { ErrorInfo } from './types'
import type { ConnectionStatus, Transport } from './transport'

/** The errors the transport itself raises (the server never sees these calls). */
export type TransportFailure = 'connectionLost' | 'unavailable'

export interface WsTransportOptions {
  url: string
  /** Base for console URLs (`ws://host:port`). */
  consoleBase: string
  describe: (failure: TransportFailure) => ErrorInfo
  /** How long a call made while disconnected waits for the connection. */
  waitForConnectionMs?: number
  /** Delays between reconnection attempts; the last one repeats. */
  backoffMs?: readonly number[]
  WebSocket?: typeof WebSocket
}

interface Pending {
  resolve: (result: unknown) => void
  reject: (error: Error) => void
}

interface Queued extends Pending {
  frame: { type: 'call'; id: number; method: string; params: unknown }
  timer: ReturnType<typeof setTimeout>
}

type ServerFrame =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: ErrorInfo }
  | { type: 'event'; event: string; payload: unknown }

const defaultBackoff = [250, 500, 1000, 2000, 4000, 5000] as const

/**
 * The API over one WebSocket (`/api`), JSON text frames. When the socket drops (the web host
 * restarted, the network blinked) it reconnects with backoff; calls in flight fail, calls made
 * while disconnected wait for the connection for a bounded time.
 */
export class WsTransport implements Transport {
  private readonly opts: Required<WsTransportOptions>
  private socket: WebSocket | null = null
  private nextId = 1
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private closed = false
  private readonly inFlight = new Map<number, Pending>()
  private queue: Queued[] = []
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>()
  status: ConnectionStatus = 'connecting'

  constructor(options: WsTransportOptions) {
    this.opts = {
      waitForConnectionMs: 20_000,
      backoffMs: defaultBackoff,
      WebSocket: globalThis.WebSocket,
      ...options,
    }
    this.connect()
  }

  invoke(method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const frame = { type: 'call' as const, id: this.nextId++, method, params }
      const socket = this.socket
      if (socket !== null && socket.readyState === this.opts.WebSocket.OPEN) {
        this.send(socket, frame, { resolve, reject })
        return
      }
      const queued: Queued = {
        frame,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.queue = this.queue.filter((q) => q !== queued)
          reject(new ApiError(this.opts.describe('unavailable')))
        }, this.opts.waitForConnectionMs),
      }
      this.queue.push(queued)
    })
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener)
    return () => set.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  consoleUrl(path: string): string {
    return /^wss?:\/\//.test(path) ? path : `${this.opts.consoleBase}${path}`
  }

  /** Stops reconnecting and fails whatever is waiting (tests, page unload). */
  close(): void {
    this.closed = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.socket?.close()
    this.socket = null
    this.failAll()
  }

  private connect(): void {
    const socket = new this.opts.WebSocket(this.opts.url)
    this.socket = socket
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.attempt = 0
      this.setStatus('open')
      const queue = this.queue
      this.queue = []
      for (const q of queue) {
        clearTimeout(q.timer)
        this.send(socket, q.frame, q)
      }
    }
    socket.onmessage = (message: MessageEvent) => {
      if (this.socket === socket && typeof message.data === 'string') this.receive(message.data)
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      this.failInFlight()
      if (this.closed) return
      this.setStatus('reconnecting')
      this.scheduleReconnect()
    }
    // An error is always followed by close; that is where it is handled.
    socket.onerror = () => undefined
  }

  private scheduleReconnect(): void {
    const steps = this.opts.backoffMs
    const base = steps[Math.min(this.attempt, steps.length - 1)] ?? 1000
    this.attempt++
    const delay = Math.round(base * (0.8 + Math.random() * 0.4))
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (!this.closed) this.connect()
    }, delay)
  }

  private send(socket: WebSocket, frame: Queued['frame'], pending: Pending): void {
    this.inFlight.set(frame.id, { resolve: pending.resolve, reject: pending.reject })
    try {
      socket.send(JSON.stringify(frame))
    } catch (error) {
      this.inFlight.delete(frame.id)
      pending.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private receive(text: string): void {
    let frame: ServerFrame
    try {
      frame = JSON.parse(text) as ServerFrame
    } catch {
      return
    }
    if (frame.type === 'event') {
      for (const listener of this.listeners.get(frame.event) ?? []) listener(frame.payload)
      return
    }
    if (frame.type !== 'reply') return
    const pending = this.inFlight.get(frame.id)
    if (pending === undefined) return
    this.inFlight.delete(frame.id)
    if (frame.ok) pending.resolve(frame.result)
    else
      pending.reject(
        new ApiError(
          isErrorInfo(frame.error) ? frame.error : { code: 'INTERNAL', message: 'Malformed reply' },
        ),
      )
  }

  private failInFlight(): void {
    const error = new ApiError(this.opts.describe('connectionLost'))
    for (const pending of this.inFlight.values()) pending.reject(error)
    this.inFlight.clear()
  }

  private failAll(): void {
    this.failInFlight()
    for (const q of this.queue) {
      clearTimeout(q.timer)
      q.reject(new ApiError(this.opts.describe('unavailable')))
    }
    this.queue = []
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return
    this.status = status
    for (const listener of this.statusListeners) listener(status)
  }
}
