import { WebSocket } from 'ws'
import type { MethodName } from '../../api/contract'
import type { ServerMessage } from '../../api/wire'
import { until } from '../../core/testing/fault-support'

/**
 * Test support (not shipped): a minimal API client over the web host's real WebSocket,
 * recording the events it is pushed and how it was closed.
 */
export class ApiSocket {
  private next = 1
  private readonly waiting = new Map<number, (m: ServerMessage) => void>()
  readonly events: ServerMessage[] = []
  /** How the server closed the socket; null while it is open. */
  closed: { code: number; reason: string } | null = null
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.type === 'reply') this.waiting.get(message.id)?.(message)
      else this.events.push(message)
    })
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }))
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<ApiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers })
      ws.once('open', () => resolve(new ApiSocket(ws)))
      ws.once('error', reject)
    })
  }
  call(method: string, params: unknown): Promise<ServerMessage> {
    const id = this.next++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.ws.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  }
  async ok<T>(method: MethodName, params: unknown): Promise<T> {
    const reply = await this.call(method, params)
    if (reply.type !== 'reply' || !reply.ok)
      throw new Error(`${method} failed: ${JSON.stringify(reply)}`)
    return reply.result as T
  }
  /** Waits (5 s at most) for the socket to be closed, and says how. */
  closing(): Promise<{ code: number; reason: string }> {
    return until('the socket to close', () => this.closed, 5000, 20)
  }
}
