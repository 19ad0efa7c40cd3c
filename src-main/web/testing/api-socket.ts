import { WebSocket } from 'ws'
import type { MethodName } from '../../api/contract'
import type { ServerMessage } from '../../api/wire'

/**
 * Test support (not shipped): a minimal API client over the web host's real WebSocket,
 * recording the events it is pushed.
 */
export class ApiSocket {
  private next = 1
  private readonly waiting = new Map<number, (m: ServerMessage) => void>()
  readonly events: ServerMessage[] = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage
      if (message.type === 'reply') this.waiting.get(message.id)?.(message)
      else this.events.push(message)
    })
  }
  static open(url: string, headers: Record<string, string>): Promise<ApiSocket> {
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
}
